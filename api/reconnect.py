"""Spread kept-alive connections over the workers.

`passerelle serve --workers N` shares one listening socket: a client that keeps its connection
open (a browser, a reverse proxy's pool of upstream connections, the load generator) stays with
the worker that accepted it. With 16 such connections one worker was seen serving 13 and the
other 4 (`benchmarks/load.py`): the first was the bottleneck while the second was mostly idle.
Every `reconnect_every`-th answer of a worker asks its client to close the connection after it
(`Connection: close`, RFC 9112 section 9.6). The client's next connection goes to whichever worker
accepts first, most often one with time to spare. No answer is cut: the close comes after it.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http_middleware import HTTPMiddleware


class SpreadConnections(HTTPMiddleware):
    def __init__(self, app: ASGIApp, every: int) -> None:
        super().__init__(app)
        self.every = every
        """Every how many answers of this worker a connection is closed (0: never)."""
        self.answers = 0

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.answers += 1
        if not self.every or self.answers % self.every:
            await self.app(scope, receive, send)
            return

        async def then_close(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": [*kept, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, then_close)
