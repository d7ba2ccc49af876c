"""The HSDS 3.0 read API at `/hsds`, paged exactly as the standard's OpenAPI describes.

Confidential addresses never appear: every read goes through `repository.public_fetch`.
"""

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Connection

from api.deps import ConnectionDep, KeptRecordsDep, SettingsDep
from api.hsds_params import (
    NDJSON,
    Format,
    FormatParam,
    FullParam,
    Id,
    ModifiedAfter,
    NotOffered,
    PageNumber,
    PageOut,
    PerPage,
    Root,
    Text,
)
from api.responses import JSONBytes
from directory.errors import FieldError, InvalidInput, NotFound
from directory.hsds import paging, repository
from directory.hsds.assembly import Fetch
from directory.hsds.coverage import sites_serving
from directory.hsds.files import iter_ndjson
from directory.hsds.tree import (
    ORGANIZATION,
    ORGANIZATION_LIST,
    SERVICE,
    SERVICE_AT_LOCATION_FULL,
    SERVICE_AT_LOCATION_LIST,
    SERVICE_BRIEF,
    TAXONOMY,
    TAXONOMY_TERM,
    Record,
    Shape,
)
from directory.taxonomy import TERMS

router = APIRouter(prefix="/hsds", tags=["HSDS 3.0"])


def _refuse_if_set(**flags: bool) -> None:
    """A parameter of the HSDS specification this server does not offer: 422 naming it, so
    that a client never gets an answer that silently ignored what it asked."""
    asked = [name for name, value in flags.items() if value]
    if asked:
        errors = [FieldError("query", name, f"{name}=true is not offered here") for name in asked]
        raise InvalidInput(f"not offered by this server: {', '.join(asked)}", errors)


def _page(result: paging.Page, contents: list[Record], *, page: int, per_page: int) -> JSONBytes:
    total_pages = max(1, math.ceil(result.total_items / per_page))
    return JSONBytes(
        {
            "total_items": result.total_items,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


Reader = Callable[[Sequence[str]], list[Record]]
"""The records of these ids, in that order."""


def _listing(
    fetch: Callable[[], Fetch],
    shape: Shape,
    paged: Callable[[int, int], paging.Page],
    *,
    page: int,
    per_page: int,
    format: Format,
    kept: Reader | None = None,
) -> JSONBytes | StreamingResponse:
    """A page of records (read through `kept`, when given), or every one as NDJSON."""
    if format is Format.ndjson:
        everything = paged(1, 10**9)
        records = repository.records(fetch(), shape, everything.ids)
        return StreamingResponse(iter_ndjson(records), media_type="application/x-ndjson")
    result = paged(page, per_page)
    read = kept or (lambda ids: repository.records(fetch(), shape, ids))
    return _page(result, read(result.ids), page=page, per_page=per_page)


def _one(fetch: Fetch, shape: Shape, kind: str, item_id: str) -> JSONBytes:
    found = repository.records(fetch, shape, [item_id])
    if not found:
        raise NotFound(f"no {kind} with id {item_id}")
    return JSONBytes(found[0])


@router.get("/", response_model=Root)
def root(settings: SettingsDep) -> Root:
    """Links are relative, or under the configured public address: never the request's `Host`."""
    base = (settings.public_base_url or "").rstrip("/")
    return Root(version="3.0", profile=f"{base}/hsds/profile", openapi_url=f"{base}/openapi.json")


@router.get("/profile")
def profile() -> JSONBytes:
    """Passerelle's HSDS profile: the taxonomy codes carried as attributes, and their meaning."""
    return JSONBytes(
        {
            "name": "passerelle",
            "hsds_version": "3.0",
            "description": (
                "Services for sex workers and victims of trafficking. What HSDS has no field for "
                "is an attribute whose taxonomy_term.code is one of the codes below (taxonomy "
                "'passerelle'). Confidential addresses are never published."
            ),
            "codes": [
                {"code": t.code, "name": t.name, "description": t.description} for t in TERMS
            ],
        }
    )


def _service_filter(
    search: str | None,
    taxonomy_term_id: str | None,
    taxonomy_id: str | None,
    organization_id: str | None,
    modified_after: datetime | None,
) -> paging.ServiceFilter:
    return paging.ServiceFilter(
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        organization_id=organization_id,
        modified_after=modified_after,
    )


@router.get("/services", response_model=PageOut, responses=NDJSON)
def services(
    connection: ConnectionDep,
    kept: KeptRecordsDep,
    search: Text = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    format: FormatParam = Format.json,
    taxonomy_term_id: Id = None,
    taxonomy_id: Id = None,
    organization_id: Id = None,
    modified_after: ModifiedAfter = None,
    minimal: NotOffered = False,
    full: FullParam = False,
) -> JSONBytes | StreamingResponse:
    _refuse_if_set(minimal=minimal)
    spec = _service_filter(search, taxonomy_term_id, taxonomy_id, organization_id, modified_after)
    shape = SERVICE if full else SERVICE_BRIEF
    return _listing(
        partial(repository.public_fetch, connection),
        shape,
        lambda number, size: paging.service_page(connection, spec, page=number, per_page=size),
        page=page,
        per_page=per_page,
        format=format,
        kept=lambda ids: kept.records(connection, ids, shape),
    )


@router.get("/services/{service_id}", response_model=dict[str, Any])
def service(connection: ConnectionDep, kept: KeptRecordsDep, service_id: str) -> JSONBytes:
    # kept by this worker while the service is unchanged (`api.page_records`)
    found = kept.records(connection, [service_id], SERVICE)
    if not found:
        raise NotFound(f"no service with id {service_id}")
    return JSONBytes(found[0])


@router.get("/organizations", response_model=PageOut, responses=NDJSON)
def organizations(
    connection: ConnectionDep,
    search: Text = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    format: FormatParam = Format.json,
    full_service: NotOffered = False,
    full: FullParam = False,
) -> JSONBytes | StreamingResponse:
    _refuse_if_set(full_service=full_service)
    return _listing(
        partial(repository.public_fetch, connection),
        ORGANIZATION if full else ORGANIZATION_LIST,
        lambda number, size: paging.organization_page(
            connection, search, page=number, per_page=size
        ),
        page=page,
        per_page=per_page,
        format=format,
    )


@router.get("/organizations/{organization_id}", response_model=dict[str, Any])
def organization(
    connection: ConnectionDep, organization_id: str, full_service: NotOffered = False
) -> JSONBytes:
    _refuse_if_set(full_service=full_service)
    return _one(repository.public_fetch(connection), ORGANIZATION, "organization", organization_id)


def _hidden(connection: Connection) -> set[str]:
    return repository.confidential_location_ids(connection)


def _serving(
    request: Request,
    connection: Connection,
    hidden: set[str],
    *,
    postcode: str | None,
    proximity: float | None,
) -> set[str] | None:
    """The sites serving `postcode` (within `proximity` metres), or None when none was given."""
    if postcode is None:
        if proximity is not None:
            raise _query_error("proximity", "proximity needs a postcode (metres from its centre)")
        return None
    places = request.app.state.matching.places
    place = places.by_postcode(postcode) if places else None
    if place is None:
        raise _query_error("postcode", f"unknown postcode {postcode!r}")
    sites = paging.sites_of_services(connection, hidden_locations=hidden)
    return sites_serving(
        sites, postcode=postcode, place=place, covers=places.area_covers, proximity_m=proximity
    )


def _query_error(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, [FieldError("query", name, message)])


@router.get("/service_at_locations", response_model=PageOut, responses=NDJSON)
def service_at_locations(
    request: Request,
    connection: ConnectionDep,
    search: Text = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    format: FormatParam = Format.json,
    taxonomy_term_id: Id = None,
    taxonomy_id: Id = None,
    organization_id: Id = None,
    modified_after: ModifiedAfter = None,
    full: FullParam = False,
    postcode: Annotated[str | None, Query(max_length=10, description="Sites serving it.")] = None,
    proximity: Annotated[
        float | None, Query(gt=0, le=1_000_000, description="Metres from the postcode's centre.")
    ] = None,
) -> JSONBytes | StreamingResponse:
    spec = _service_filter(search, taxonomy_term_id, taxonomy_id, organization_id, modified_after)
    hidden = _hidden(connection)
    only = _serving(request, connection, hidden, postcode=postcode, proximity=proximity)
    return _listing(
        partial(repository.public_fetch, connection),
        SERVICE_AT_LOCATION_FULL if full else SERVICE_AT_LOCATION_LIST,
        lambda number, size: paging.service_at_location_page(
            connection, spec, hidden_locations=hidden, page=number, per_page=size, only=only
        ),
        page=page,
        per_page=per_page,
        format=format,
    )


@router.get("/service_at_locations/{service_at_location_id}", response_model=dict[str, Any])
def service_at_location(connection: ConnectionDep, service_at_location_id: str) -> JSONBytes:
    return _one(
        repository.public_fetch(connection),
        SERVICE_AT_LOCATION_FULL,
        "service_at_location",
        service_at_location_id,
    )


@router.get("/taxonomies", response_model=PageOut, responses=NDJSON)
def taxonomies(
    connection: ConnectionDep,
    search: Text = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    format: FormatParam = Format.json,
) -> JSONBytes | StreamingResponse:
    return _listing(
        partial(repository.db_fetch, connection),
        TAXONOMY,
        lambda number, size: paging.simple_page(
            connection, "taxonomy", page=number, per_page=size, search=search
        ),
        page=page,
        per_page=per_page,
        format=format,
    )


@router.get("/taxonomies/{taxonomy_id}", response_model=dict[str, Any])
def taxonomy(connection: ConnectionDep, taxonomy_id: str) -> JSONBytes:
    return _one(repository.db_fetch(connection), TAXONOMY, "taxonomy", taxonomy_id)


@router.get("/taxonomy_terms", response_model=PageOut, responses=NDJSON)
def taxonomy_terms(
    connection: ConnectionDep,
    search: Text = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    format: FormatParam = Format.json,
    taxonomy_id: Id = None,
    parent_id: Id = None,
    top_only: bool = False,
) -> JSONBytes | StreamingResponse:
    def paged(number: int, size: int) -> paging.Page:
        return paging.term_page(
            connection,
            taxonomy_id=taxonomy_id,
            parent_id=parent_id,
            top_only=top_only,
            page=number,
            per_page=size,
            search=search,
        )

    return _listing(
        partial(repository.db_fetch, connection),
        TAXONOMY_TERM,
        paged,
        page=page,
        per_page=per_page,
        format=format,
    )


@router.get("/taxonomy_terms/{taxonomy_term_id}", response_model=dict[str, Any])
def taxonomy_term(connection: ConnectionDep, taxonomy_term_id: str) -> JSONBytes:
    return _one(repository.db_fetch(connection), TAXONOMY_TERM, "taxonomy_term", taxonomy_term_id)
