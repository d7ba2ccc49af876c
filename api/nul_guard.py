"""Refuse NUL characters in the path and query string before any route sees them.

PostgreSQL cannot store or compare text holding NUL (`\\x00`): without this guard a search for
"a%00b" reached the database and failed as a 500. The answer is a 422 naming the field.
"""

from urllib.parse import parse_qsl, unquote

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

MESSAGE = "must not contain NUL characters"


def _nul_field(scope: Scope) -> list[str] | None:
    if "\x00" in unquote(scope.get("path", "")):
        return ["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return ["query", name.replace("\x00", "")]
    return None


class RejectNulCharacters:
    """Pure ASGI middleware: 422 `{"detail": [{"loc": [...], "msg": ...}]}` on a NUL."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        where = _nul_field(scope) if scope["type"] == "http" else None
        if where is None:
            await self.app(scope, receive, send)
            return
        body = orjson.dumps({"detail": [{"loc": where, "msg": MESSAGE, "type": "value_error"}]})
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 422, "headers": headers})
        await send({"type": "http.response.body", "body": body})
