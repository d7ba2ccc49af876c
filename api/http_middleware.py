"""The shape of Passerelle's pure ASGI middlewares: they act on HTTP requests only."""

from starlette.types import ASGIApp, Receive, Scope, Send


class HTTPMiddleware:
    """Passes anything but HTTP (lifespan, websockets) straight through; `http` does the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError
