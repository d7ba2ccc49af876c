"""What a person reads on a page, and whether English is left on a page in another language."""

import html as html_lib
import re
from functools import cache

from babel.messages.pofile import read_po

from web.i18n import LOCALE_DIR, translator

TAGS = re.compile(r"<[^>]+>")
ENGLISH_ONLY = {"Accept-Language": "en"}


def text_of(page: str) -> str:
    """What a person reads: the page without its tags, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(TAGS.sub(" ", page)).split())


@cache
def english_sentences(domain: str, lang: str) -> frozenset[str]:
    """English msgids of `domain` of two words or more whose `lang` translation differs."""
    with (LOCALE_DIR.parent / "locale" / f"{domain}.pot").open("rb") as handle:
        ids = [m.id for m in read_po(handle) if m.id]
    words = translator(lang, domain)
    found = set()
    for msgid in ids:
        source = str(msgid[0] if isinstance(msgid, tuple | list) else msgid)
        fixed = source.split("{", 1)[0].strip()  # the English words before any placeholder
        if len(fixed.split()) >= 2 and words(source) != source:
            found.add(fixed)
    return frozenset(found)


def assert_no_english_left(page: str, domain: str, lang: str = "fr") -> None:
    shown = text_of(page)
    left = sorted(sentence for sentence in english_sentences(domain, lang) if sentence in shown)
    assert not left, f"English left on a {lang} page: {left}"
