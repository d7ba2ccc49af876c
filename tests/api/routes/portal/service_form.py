"""The service form as a browser sends it: every field of the page as it was shown, with the
changes a test makes (a browser sends what the form holds, not only what was typed)."""

import html
import re
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

Changes = dict[str, str | list[str] | None]
"""Field -> new text, the boxes ticked (a list), or None to leave a box unticked."""


class _Fields(HTMLParser):
    """The fields of the page's first form posting to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.boxes: set[str] = set()
        self._open: tuple[str, str] | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.done:
            self.inside = found.get("action") == self.action
        if not self.inside:
            return
        name = found.get("name", "")
        if tag == "input" and name:
            if found.get("type") == "checkbox":
                self.boxes.add(name)
                if "checked" in found:
                    self.fields.append((name, found.get("value", "on")))
            else:
                self.fields.append((name, found.get("value", "")))
        elif tag == "textarea" and name:
            self._open, self._text = ("textarea", name), []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in found:
            self.fields.append((self._select, found.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._open:
            self.fields.append((self._open[1], "".join(self._text)))
            self._open = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    parser = _Fields(action)
    parser.feed(html)
    assert parser.done, f"no form posting to {action}"
    return parser.fields


def filled(html: str, action: str, changes: Changes) -> dict[str, Any]:
    """The form of `html` posting to `action`, as a browser would send it after `changes`."""
    data: dict[str, Any] = {}
    for name, value in form_fields(html, action):
        existing = data.get(name)
        if existing is None:
            data[name] = value
        else:
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
    for name, change in changes.items():
        if change is None:
            data.pop(name, None)
        else:
            data[name] = change
    return data


def send(client: TestClient, page: Response, action: str, changes: Changes) -> Response:
    """Fill in the form of `page` that posts to `action` and send it (redirects not followed)."""
    answer: Response = client.post(
        action, data=filled(page.text, action, changes), follow_redirects=False
    )
    return answer


def notice_after(client: TestClient, answer: Response) -> str:
    """What the page an accepted form leads to (303) says once, "" when it says nothing."""
    assert answer.status_code == 303, answer.text
    shown = client.get(answer.headers["location"]).text
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', shown, re.DOTALL)
    return html.unescape(found[1]) if found else ""
