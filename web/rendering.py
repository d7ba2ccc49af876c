"""Server-side pages: ONE Jinja2 environment for the public site and the portal.

Templates call `_("English text", name=value)`; the page's language decides the catalog: the
public pages' words are in the `messages` catalog, the portal's (templates under `portal/`) in
the `portal` catalog. The emergency numbers are globals (`emergency_number`, `police_number`):
no template writes them. Nothing here reads a request: the routes pass what a page needs.

The portal's pages are plain server-rendered HTML too: every page works without JavaScript and
loads nothing but the self-hosted stylesheet `static/portal.css`.
"""

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from directory.emergency_numbers import EMERGENCY_NUMBER, POLICE_NUMBER
from web.i18n import AWAITING_REVIEW, LANGUAGES, NATIVE_NAMES, translator
from web.labels import need_label, term_description, term_name
from web.service_view import tel_uri

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates are the package's own: no look at their files per page
    )
    env.globals.update(
        interface_languages=LANGUAGES,
        native_names=NATIVE_NAMES,
        awaiting_review=AWAITING_REVIEW,
        qr_svg=qr_svg,
        tel_uri=tel_uri,
        emergency_number=EMERGENCY_NUMBER,
        police_number=POLICE_NUMBER,
    )
    return env


def qr_svg(url: str, title: str) -> Markup:
    """A QR code of `url` as inline SVG (drawn here: nothing is fetched from anywhere)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, omitsize=True, title=title, svgclass="qr-code")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def render_portal(template: str, /, *, lang: str, **context: Any) -> str:
    """The portal's page `portal/<template>` in `lang`, in the words of the `portal` catalog."""
    return render(f"portal/{template}", lang=lang, domain="portal", **context)


@dataclass(frozen=True, slots=True)
class EmbeddedStylesheet:
    """`site.css` for a page saved to disk, which cannot load /static: our own file, never user
    text, so it goes into the page unescaped; `policy` allows that stylesheet and nothing else
    (no script, no other style, nothing fetched)."""

    css: Markup
    policy: str


def embedded_stylesheet() -> EmbeddedStylesheet:
    css = (STATIC / "site.css").read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError("site.css must not contain '</': it would end the <style> element")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    policy = (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    return EmbeddedStylesheet(Markup(css), policy)


def render(name: str, /, *, lang: str, domain: str = "messages", **context: Any) -> str:
    """The page `name` in `lang`, with `_` (from the `domain` catalog), `need_label`,
    `term_name` and `term_description` in that language."""
    messages = translator(lang, domain)
    return (
        environment()
        .get_template(name)
        .render(
            _=messages.gettext,
            ngettext=messages.ngettext,
            lang=lang,
            need_label=lambda word: need_label(word, lang),
            term_description=lambda code: term_description(code, lang),
            term_name=lambda code: term_name(code, lang),
            **context,
        )
    )


def service_facts(view: Any, lang: str) -> Markup:
    """The public facts of one service (`_service_facts.html`, `view`: a ServiceView) as HTML:
    the same for every page that shows it, so that a results page can keep them per service."""
    return Markup(render("_service_facts.html", lang=lang, view=view))
