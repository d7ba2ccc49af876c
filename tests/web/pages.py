"""Shared by the page tests: a small fictional directory and an HTML reader."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sqlalchemy.engine import Engine

from directory.database import session_scope
from directory.hsds.importer import import_records
from tests.builders import location, new_id, service_record

HIDDEN_STREET = "Rue Cachée 9"
UNCONFIRMED_PHONE = "+32 2 000 00 01"


def directory_records() -> list[dict[str, Any]]:
    """Four fictional services: a shelter, a legal service, a confidential house, a helpline."""
    hidden = service_record(
        "Gamma safe house",
        codes=("need.housing", "need.trafficking_support", "privacy.confidential_address"),
        languages=("fr", "en"),
        phones=("+32 2 000 00 03",),
    )
    place = location(name="Gamma", latitude=50.85, longitude=4.35)
    place["addresses"][0]["address_1"] = HIDDEN_STREET
    hidden["service_at_locations"][0]["location"] = place
    hidden["service_at_locations"][0]["location_id"] = place["id"]
    helpline_id = new_id()
    return [
        _alpha(),
        service_record(
            "Beta legal desk",
            codes=("need.legal_migration", "need.legal_general", "requires.appointment"),
            languages=("en", "nl"),
            url="https://beta.example.org/",
            assured_date="2026-10-01",
        ),
        hidden,
        service_record(
            "Delta helpline",
            id=helpline_id,
            codes=("need.crisis_line", "offers.remote", "offers.free"),
            languages=("fr", "nl", "en"),
            phones=("+32 2 000 00 04",),
            at=None,
            schedules=[
                {
                    "id": new_id(),
                    "service_id": helpline_id,
                    "description": "Every day 9:00-17:00, for people in Belgium",
                }
            ],
        ),
    ]


def _alpha() -> dict[str, Any]:
    record = service_record(
        "Alpha night shelter",
        codes=("need.emergency_shelter", "need.housing", "offers.free", "offers.anonymous"),
        languages=("fr", "ro"),
        description="Fictional shelter, read on https://alpha.example.org/about",
    )
    record["phones"][0]["number"] = UNCONFIRMED_PHONE
    record["phones"][0]["description"] = "read on alpha.example.org (2021); not confirmed"
    return record


def load_directory(engine: Engine) -> None:
    with session_scope(engine) as session:
        import_records(session.connection(), directory_records(), who="curator")


@dataclass
class Tag:
    name: str
    attrs: dict[str, str | None]


@dataclass
class Page(HTMLParser):
    """Every start tag of a page, with its attributes, and the text of inline scripts/styles."""

    tags: list[Tag] = field(default_factory=list)
    inline_code: list[str] = field(default_factory=list)
    _open: str | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(Tag(tag, dict(attrs)))
        self._open = tag if tag in {"script", "style"} else None

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.inline_code.append(f"<{self._open}>{data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def find(self, name: str) -> Iterator[Tag]:
        return (tag for tag in self.tags if tag.name == name)

    def form_fields(self, action: str) -> list[tuple[str, str]]:
        """What a browser sends for the form posting to `action`: hidden fields and ticked boxes."""
        sent: list[tuple[str, str]] = []
        inside = False
        for tag in self.tags:
            if tag.name == "form":
                inside = tag.attrs.get("action") == action
            elif inside and tag.name == "input" and tag.attrs.get("name"):
                kind = tag.attrs.get("type")
                if kind == "hidden" or (kind == "checkbox" and "checked" in tag.attrs):
                    sent.append((str(tag.attrs["name"]), str(tag.attrs.get("value") or "")))
        return sent


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page
