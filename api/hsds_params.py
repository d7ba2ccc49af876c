"""The HSDS read API's query parameters and answer models (`api.routes.hsds`), as the
standard's OpenAPI describes them."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query
from pydantic import AfterValidator, BaseModel

MAX_PER_PAGE = 200


class Format(StrEnum):
    json = "json"
    ndjson = "ndjson"


class Root(BaseModel):
    version: str
    profile: str
    openapi_url: str


class PageOut(BaseModel):
    """An HSDS page: `contents` holds HSDS objects of the endpoint's kind."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


NDJSON: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of HSDS objects, or with `format=ndjson` every one, a line each.",
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
    }
}
"""Listings stream newline-delimited JSON when asked: documented so that clients expect it."""

PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="Results per page.")]
FormatParam = Annotated[Format, Query(description="`ndjson` streams every result, unpaged.")]
Text = Annotated[str | None, Query(max_length=200)]
Id = Annotated[str | None, Query(max_length=64)]
NotOffered = Annotated[
    bool, Query(description="Not offered by this server: `true` is refused (422), never ignored.")
]
FullParam = Annotated[bool, Query(description="Fully nested objects.")]


def _in_utc(moment: datetime | None) -> datetime | None:
    """A time the database can compare: one that exists in UTC (not 0001-01-01T00:00+14:00)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:
        raise ValueError("is outside the years 1 to 9999 once converted to UTC") from None


ModifiedAfter = Annotated[
    datetime | None,
    Query(description="Only what changed after this time (ISO 8601)."),
    AfterValidator(_in_utc),
]
