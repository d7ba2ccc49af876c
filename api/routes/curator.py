"""The curator API: the queue of waiting changes, decisions, suspensions and the audit log."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth import CuratorDep
from api.deps import SessionDep
from api.responses import JSONBytes
from directory.changes import decide
from directory.changes import repository as changes
from directory.changes.models import ChangeStatus
from directory.hsds.audit import audit_page

router = APIRouter(prefix="/v1/curator", tags=["curator"])


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class Decision(BaseModel):
    change_id: str
    status: str


class FieldDiff(BaseModel):
    field: str
    old: Any
    new: Any


class Touched(BaseModel):
    """A service or location the change would write to or link, and whose it is."""

    resource_type: str
    id: str
    name: str
    organization_id: str | None
    organization_name: str | None


class ChangeOut(BaseModel):
    id: str
    service_id: str
    organization_id: str
    kind: str
    created_at: datetime
    updated_at: datetime
    diff: list[FieldDiff]
    touches: list[Touched]
    """Every service and location approving it would write to or link."""


class SuggestionOut(BaseModel):
    id: str
    service_id: str
    message: str
    created_at: datetime


class Queue(BaseModel):
    changes: list[ChangeOut]
    suggestions: list[SuggestionOut]


@router.get("/changes", response_model=Queue)
def waiting(principal: CuratorDep, session: SessionDep) -> Queue:
    """Every waiting change, oldest first, field by field; and the public's suggestions."""
    connection = session.connection()
    found = [
        ChangeOut(
            id=change.id,
            service_id=change.service_id,
            organization_id=change.organization_id,
            kind=change.kind.value,
            created_at=change.created_at,
            updated_at=change.updated_at,
            diff=[
                FieldDiff(field=item.path, old=item.old, new=item.new)
                for item in decide.diff(connection, change)
            ],
            touches=[
                Touched(
                    resource_type=item.resource_type,
                    id=item.id,
                    name=item.name,
                    organization_id=item.organization_id,
                    organization_name=item.organization_name,
                )
                for item in decide.touches(connection, change)
            ],
        )
        for change in changes.waiting_changes(connection)
    ]
    suggestions = [
        SuggestionOut(id=s.id, service_id=s.service_id, message=s.message, created_at=s.created_at)
        for s in changes.open_suggestions(connection)
    ]
    return Queue(changes=found, suggestions=suggestions)


@router.post("/changes/{change_id}/approve", response_model=Decision)
def approve(change_id: str, principal: CuratorDep, session: SessionDep) -> Decision:
    """Publish the change (409 if the published service changed since it was proposed)."""
    decide.approve(session.connection(), change_id=change_id)
    return Decision(change_id=change_id, status=ChangeStatus.approved)


@router.post("/changes/{change_id}/reject", response_model=Decision)
def reject(change_id: str, body: Reason, principal: CuratorDep, session: SessionDep) -> Decision:
    decide.reject(session.connection(), change_id=change_id, reason=body.reason)
    return Decision(change_id=change_id, status=ChangeStatus.rejected)


@router.post("/services/{service_id}/suspend", response_model=dict[str, str])
def suspend(service_id: str, body: Reason, principal: CuratorDep, session: SessionDep) -> JSONBytes:
    """Take the service out of public view, matching and public exports (audited)."""
    decide.suspend(session.connection(), service_id=service_id, reason=body.reason)
    return JSONBytes({"service_id": service_id, "status": "suspended"})


@router.post("/services/{service_id}/unsuspend", response_model=dict[str, str])
def unsuspend(service_id: str, principal: CuratorDep, session: SessionDep) -> JSONBytes:
    decide.unsuspend(session.connection(), service_id=service_id)
    return JSONBytes({"service_id": service_id, "status": "public"})


@router.get("/audit", response_model=dict[str, Any])
def audit(
    principal: CuratorDep,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> JSONBytes:
    """The audit log (HSDS metadata rows), newest first."""
    total, entries = audit_page(session.connection(), page=page, per_page=per_page)
    return JSONBytes(
        {
            "total_items": total,
            "page_number": page,
            "contents": [
                {
                    "last_action_date": e.when,
                    "resource_type": e.resource_type,
                    "resource_id": e.resource_id,
                    "last_action_type": e.action,
                    "field_name": e.field,
                    "previous_value": e.old,
                    "replacement_value": e.new,
                    "updated_by": e.who,
                }
                for e in entries
            ],
        }
    )
