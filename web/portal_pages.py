"""Pages of the partner and curator portal: jinja2 templates under `templates/portal/`.

Plain server-rendered HTML: every page works without JavaScript and loads nothing but the
self-hosted stylesheet `static/portal.css`. Every word goes through the `portal` catalog of the
page's language (`_()` in the templates).
"""

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from web.i18n import AWAITING_REVIEW, LANGUAGES, NATIVE_NAMES, translator

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        interface_languages=LANGUAGES, native_names=NATIVE_NAMES, awaiting_review=AWAITING_REVIEW
    )
    return env


def render(template: str, /, *, lang: str, **context: Any) -> str:
    """The page `portal/<name>` in `lang`, filled with `context`."""
    words = translator(lang, "portal")
    return (
        environment()
        .get_template(f"portal/{template}")
        .render(_=words.gettext, ngettext=words.ngettext, lang=lang, **context)
    )
