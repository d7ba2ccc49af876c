"""Request bodies have a size limit per path, checked before they are read into memory.

`POST /v1/match` takes 64 KB (a person's search is a few hundred bytes); the partner and curator
APIs and every form take 1 MB. A larger `Content-Length` is refused at once, and a body sent
without one is counted as it arrives and refused when it passes the limit: 413 with a JSON body
(or the error page, on pages) naming the limit.
"""

from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from api.http_middleware import HTTPMiddleware

MATCH_BODY_MAX = 64 * 1024
BODY_MAX = 1024 * 1024
LIMITS = (("/v1/match", MATCH_BODY_MAX),)
"""Path prefixes with their own limit, in bytes; every other path: BODY_MAX."""


def body_limit(path: str) -> int:
    return next((limit for prefix, limit in LIMITS if path.startswith(prefix)), BODY_MAX)


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is larger than the limit of {limit} bytes")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class LimitRequestBody(HTTPMiddleware):
    """Pure ASGI middleware: the route's read of a body past its limit raises a 413."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = body_limit(scope.get("path", ""))
        declared = _declared_length(scope)
        received = 0

        async def counted() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise too_large(limit)  # refused before a byte of it is read
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        await self.app(scope, counted, send)
