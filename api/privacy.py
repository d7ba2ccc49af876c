"""Headers that keep an anonymous visit from leaving traces, on every answer.

No caching anywhere (a cached stylesheet also says the site was visited), no referrer, a strict
Content-Security-Policy (nothing from another origin, no inline script), no framing.
"""

from starlette.types import Message, Receive, Scope, Send

from api.http_middleware import HTTPMiddleware

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

HEADERS: list[tuple[bytes, bytes]] = [
    (b"cache-control", b"no-store"),
    (b"pragma", b"no-cache"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=(), interest-cohort=()"),
]
_NAMES = {name for name, _ in HEADERS}
PAGE_POLICIES: dict[str, bytes] = {}
"""Path -> the Content-Security-Policy of that page alone (`api.routes.docs` adds its own)."""


def page_policy(path: str, policy: str) -> None:
    """Give the page at `path` its own Content-Security-Policy instead of the site's."""
    PAGE_POLICIES[path] = policy.encode()


def _headers(path: str) -> list[tuple[bytes, bytes]]:
    policy = PAGE_POLICIES.get(path)
    if policy is None:
        return HEADERS
    return [(k, policy if k == b"content-security-policy" else v) for k, v in HEADERS]


class PrivacyHeaders(HTTPMiddleware):
    """Pure ASGI middleware: adds HEADERS to every HTTP response (replacing any same-named)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _NAMES]
                message = {**message, "headers": kept + _headers(scope.get("path", ""))}
            await send(message)

        await self.app(scope, receive, send_with_headers)
