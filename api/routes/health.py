"""`GET /health`: always 200 while the process serves; says whether the database answers and
takes writes, and whether matching uses an up-to-date index."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.deps import EngineDep
from directory.faults import DatabaseState, database_state

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: DatabaseState
    index: Literal["stale"] | None = None
    """Present when the last index rebuild failed on the directory's data (see the log)."""


@router.get("/health", response_model=Health, response_model_exclude_none=True)
def health(engine: EngineDep, request: Request) -> Health:
    database = database_state(engine)
    stale = getattr(request.app.state, "matching", None) is not None and (
        request.app.state.matching.stale is not None
    )
    degraded = database != "ok" or stale
    return Health(
        status="degraded" if degraded else "ok",
        database=database,
        index="stale" if stale else None,
    )
