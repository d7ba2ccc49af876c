"""Names and descriptions of the "passerelle" taxonomy terms in the interface languages.

The English text in `directory.taxonomy.TERMS` is the msgid of the `taxonomy` catalogs; a missing
translation gives the English text, an unknown code gives the code itself (never an error: a label
must not break a page).
"""

from directory.taxonomy import BY_CODE
from web.i18n import translator

__all__ = ["need_label", "term_description", "term_name"]


def term_name(code: str, lang: str) -> str:
    """The name of the term `code` (e.g. `need.housing`) in `lang`."""
    term = BY_CODE.get(code)
    return translator(lang, "taxonomy").gettext(term.name) if term else code


def term_description(code: str, lang: str) -> str:
    """The one-sentence description of the term `code` in `lang`."""
    term = BY_CODE.get(code)
    return translator(lang, "taxonomy").gettext(term.description) if term else code


def need_label(word: str, lang: str) -> str:
    """The name of a person's need given without prefix: `housing` -> name of `need.housing`."""
    code = f"need.{word}"
    return term_name(code, lang) if code in BY_CODE else word
