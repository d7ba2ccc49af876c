"""The partner API: an organisation reads and edits its own services.

Checks come in this order: no or bad token 401; another organisation's service 404 (its existence
is not revealed); no If-Match 428; stale If-Match 412. Edits wait for a curator, except what
cannot wait (closing the service, a confidential address, free beds, "still accurate"). A record's
nested rows may point only at its own rows and the partner's own locations
(`directory.changes.tenancy`), and a field HSDS does not have is refused by name.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Connection
from starlette.exceptions import HTTPException

from api.auth import PartnerDep
from api.deps import SessionDep
from api.responses import JSONBytes
from directory.changes import at_once, propose, working
from directory.errors import FieldError, InvalidInput, NotFound, PreconditionRequired
from directory.limits import BEDS_MAX, structure_problem

router = APIRouter(prefix="/v1/partner", tags=["partner"])

JSON_TYPES = ("application/json", "application/merge-patch+json")


class ChangeAccepted(BaseModel):
    change_id: str | None
    published: list[str] = []


class Capacity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    beds_available: StrictInt = Field(ge=0, le=BEDS_MAX, description="Free beds now.")


class CapacityOut(BaseModel):
    beds_available: int
    updated_at: datetime


class Confirmed(BaseModel):
    assured_date: str


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def parse_json(request: Request, body: bytes) -> Any:
    """The request's JSON body (application/json or application/merge-patch+json)."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind not in JSON_TYPES:
        raise HTTPException(415, "send application/json or application/merge-patch+json")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise InvalidInput(
            "the body is not JSON", [FieldError("(body)", "(body)", f"malformed JSON: {error}")]
        ) from None
    problem = structure_problem(document)  # before anything walks it (recursion, PostgreSQL)
    if problem is not None:
        raise InvalidInput(
            f"{problem.path}: {problem.message}",
            [FieldError("(body)", problem.path, problem.message, problem.code)],
        )
    return document


def _own_service(connection: Connection, service_id: str, organization_id: str) -> None:
    """NotFound unless the service (published, or new and waiting) is this organisation's."""
    if working.owner_of(connection, service_id) != organization_id:
        raise NotFound(f"no service with id {service_id}")


@router.get("/services/{service_id}", response_model=dict[str, Any])
def get_service(service_id: str, principal: PartnerDep, session: SessionDep) -> JSONBytes:
    """The partner's working version of its service (published, plus the change waiting)."""
    state = working.working(
        session.connection(), service_id=service_id, organization_id=principal.organization_id
    )
    return JSONBytes(state.record, headers={"ETag": state.etag})


@router.patch("/services/{service_id}", status_code=202, response_model=ChangeAccepted)
def patch_service(
    service_id: str, principal: PartnerDep, session: SessionDep, request: Request, body: RawBody
) -> JSONBytes:
    """A JSON merge patch (RFC 7396) of the service: waits for review (202)."""
    assert principal.organization_id
    connection = session.connection()
    _own_service(connection, service_id, principal.organization_id)
    if_match = request.headers.get("if-match")
    if not if_match:
        raise PreconditionRequired("send If-Match with the ETag you read")
    patch = parse_json(request, body)
    outcome = propose.propose(
        connection,
        organization_id=principal.organization_id,
        service_id=service_id,
        if_match=if_match,
        patch=patch,
    )
    return JSONBytes(
        {"change_id": outcome.change_id, "published": outcome.published},
        status_code=202,
        headers={"ETag": outcome.etag},
    )


@router.put("/services/{service_id}/capacity", response_model=CapacityOut)
def put_capacity(
    service_id: str, capacity: Capacity, principal: PartnerDep, session: SessionDep
) -> JSONBytes:
    """Free beds now: published at once, audited (the update time is the audit row's)."""
    outcome = at_once.publish_at_once(
        session.connection(),
        organization_id=principal.organization_id,
        service_id=service_id,
        edit=at_once.with_beds(capacity.beds_available),
    )
    return JSONBytes(
        {"beds_available": capacity.beds_available, "updated_at": datetime.now(UTC)},
        headers={"ETag": outcome.etag},
    )


@router.post("/services/{service_id}/confirm", response_model=Confirmed)
def confirm(service_id: str, principal: PartnerDep, session: SessionDep) -> JSONBytes:
    """ "Still accurate": sets the service's `assured_date` to today, published at once."""
    today = datetime.now(UTC).date()
    assert principal.organization_id
    outcome = at_once.confirm(
        session.connection(),
        organization_id=principal.organization_id,
        service_id=service_id,
        today=today,
    )
    return JSONBytes({"assured_date": today.isoformat()}, headers={"ETag": outcome.etag})


@router.post("/services", status_code=202, response_model=ChangeAccepted)
def propose_service(
    principal: PartnerDep, session: SessionDep, request: Request, body: RawBody
) -> JSONBytes:
    """A new service of the partner's own organisation: waits for review (202)."""
    assert principal.organization_id
    record = parse_json(request, body)
    change_id = propose.propose_new(
        session.connection(), organization_id=principal.organization_id, record=record
    )
    return JSONBytes({"change_id": change_id, "published": []}, status_code=202)
