"""Small directories for matcher tests: listings straight from HSDS records, no database."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from matcher.index import Index, build_index
from matcher.listing import listing_from_record
from matcher.person import Person
from matcher.rank import Ranking, rank
from tests.builders import service_record

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BRUSSELS = (50.8467, 4.3525)
LIEGE = (50.6326, 5.5797)


def index_of(records: Iterable[dict[str, Any]], recognised: Iterable[str] = ()) -> Index:
    return build_index([listing_from_record(r) for r in records], recognised=recognised)


def service(name: str, *codes: str, **fields: Any) -> dict[str, Any]:
    return service_record(name, codes=codes or ("need.housing",), **fields)


def in_brussels(**fields: Any) -> Person:
    return Person(latitude=BRUSSELS[0], longitude=BRUSSELS[1], in_area=lambda _: True, **fields)


def search(index: Index, person: Person) -> Ranking:
    return rank(index, person, now=NOW)


def names(ranking: Ranking) -> list[str]:
    return [result.listing.name for result in ranking.results]


def codes(messages: Iterable[Any]) -> list[str]:
    return [m.code for m in messages]


def to_check(messages: Iterable[Any]) -> list[str]:
    """The items of the one generic caution `to_check` ("listing", "eligibility", "phone")."""
    found = [str(m.params["items"]) for m in messages if m.code == "to_check"]
    assert len(found) <= 1, "the generic cautions are one line"
    return found[0].split(",") if found else []
