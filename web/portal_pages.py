"""Pages of the partner and curator portal: jinja2 templates under `templates/portal/`.

Plain server-rendered HTML: every page works without JavaScript and loads nothing but the
self-hosted stylesheet `static/portal.css`.
"""

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, /, **context: Any) -> str:
    """The page `portal/<name>` filled with `context`."""
    return environment().get_template(f"portal/{template}").render(**context)
