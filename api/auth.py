"""Bearer tokens for the partner and curator APIs: who is calling, and may they.

No or unknown token: 401 with `WWW-Authenticate: Bearer`; the wrong role: 403. A partner asking
for another organisation's service gets 404 from the routes (its existence is not revealed).
"""

from typing import Annotated

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from api.deps import SessionDep
from directory.accounts.models import Principal, Role
from directory.accounts.service import token_principal


def _unauthorized(message: str, error: str | None = None) -> HTTPException:
    challenge = f'Bearer error="{error}"' if error else "Bearer"
    return HTTPException(401, message, headers={"WWW-Authenticate": challenge})


def bearer_principal(request: Request, session: SessionDep) -> Principal:
    """The token's principal, read in the request's own unit of work (no second connection)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("a bearer token is required")
    principal = token_principal(session.connection(), token.strip())
    if principal is None:
        raise _unauthorized("this token is not valid", "invalid_token")
    return principal


BearerDep = Annotated[Principal, Depends(bearer_principal)]


async def partner_principal(principal: BearerDep) -> Principal:
    if principal.role is not Role.partner or not principal.organization_id:
        raise HTTPException(403, "this endpoint is for partner organisations' tokens")
    return principal


async def curator_principal(principal: BearerDep) -> Principal:
    if principal.role is not Role.curator:
        raise HTTPException(403, "this endpoint is for curators")
    return principal


PartnerDep = Annotated[Principal, Depends(partner_principal)]
CuratorDep = Annotated[Principal, Depends(curator_principal)]
