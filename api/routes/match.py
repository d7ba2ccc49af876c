"""`POST /v1/match`: rank the directory for one person; nothing about the search is kept."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response

from api.match_models import MatchRequest, MatchResponse
from api.matching import MatchService
from api.ratelimit import rate_limited
from api.responses import JSONBytes
from web.i18n import negotiate

router = APIRouter(tags=["matching"])


@router.post(
    "/v1/match",
    response_model=MatchResponse,
    response_class=JSONBytes,
    dependencies=[Depends(rate_limited("match"))],
    responses={429: {"description": "Too many searches from this connection: see Retry-After."}},
)
async def match(
    body: MatchRequest,
    request: Request,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    service: MatchService = request.app.state.matching
    found = await service.match_async(body, negotiate(body.lang, accept_language))
    return JSONBytes(found.model_dump(mode="json"))
