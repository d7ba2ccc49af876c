"""HEAD answers as GET would, without the body (RFC 9110 9.3.2): `curl -I /` and link checkers
get the page's status and headers, not 405 (review B24)."""

from starlette.types import Message, Receive, Scope, Send

from api.http_middleware import HTTPMiddleware


class AnswerHead(HTTPMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
