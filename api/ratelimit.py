"""Rate limits for anonymous clients that never keep, write or log a client's address.

A client is known only by a keyed hash (HMAC-SHA256) of its address. The key is derived for each
UTC day from the server's secret key (or from random bytes when none is set), so it rotates daily
and lives only in memory; the address itself is never stored, not even in Redis.

The address is the direct peer's, unless that peer is a trusted proxy
(`PASSERELLE_TRUSTED_PROXIES`): then it is the right-most `X-Forwarded-For` hop that is not a
trusted proxy itself, because only hops added by our own proxies can be believed.

Use on any route: `@router.post("/v1/match", dependencies=[Depends(rate_limited("match"))])`,
and `rate_limited("forms", page=True)` on routes that answer with pages.
Exceeding a limit answers 429 with `Retry-After` (JSON, or the error page on page routes).
"""

import hashlib
import hmac
import logging
import os
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Any, Literal

from fastapi import Request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from api.rate_windows import LocalWindows, SharedWindows, Windows
from api.settings import Settings

__all__ = ["Bucket", "ClientKeys", "RateLimits", "client_address", "counted_as", "rate_limited"]

log = logging.getLogger("passerelle")

Bucket = Literal["match", "login", "forms", "outcomes"]
"""Each bucket has its own limit, the setting `rate_<bucket>` ("60/minute")."""

Address = IPv4Address | IPv6Address


def _today() -> date:
    return datetime.now(UTC).date()


class ClientKeys:
    """Keyed hashes of client addresses, with a key that changes every UTC day."""

    def __init__(self, master: bytes, today: Callable[[], date] = _today) -> None:
        self._master = master
        self._today = today
        self._day: date | None = None
        self._secret = b""

    def key(self, address: str) -> str:
        day = self._today()
        if day != self._day:
            self._secret = hmac.new(self._master, day.isoformat().encode(), hashlib.sha256).digest()
            self._day = day
        return hmac.new(self._secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _parse_address(text: str) -> Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: Request, trusted: list[str]) -> str:
    """The address to limit: the peer's, or what trusted proxies say the client's is."""
    peer = request.client.host if request.client else ""
    networks = [ip_network(item, strict=False) for item in trusted]

    def is_trusted(address: Address | None) -> bool:
        return address is not None and any(address in network for network in networks)

    if not is_trusted(_parse_address(peer)):
        return peer
    hops = [hop for value in request.headers.getlist("x-forwarded-for") for hop in value.split(",")]
    for hop in reversed(hops):
        address = _parse_address(hop)
        if address is None:
            break  # garbage from beyond our proxies: believe nothing further
        if not is_trusted(address):
            return str(address)
    return peer


def counted_as(address: str) -> str:
    """What one client is counted as: an IPv4 address, or the /64 network of an IPv6 one (one
    connection usually holds a whole /64, and could change address at every request)."""
    parsed = _parse_address(address)
    if not isinstance(parsed, IPv6Address):
        return address
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ip_network(f"{parsed}/64", strict=False))


class RateLimits:
    """The limits of one app: memory storage, or Redis shared by every worker."""

    def __init__(self, settings: Settings) -> None:
        self.windows: Windows = LocalWindows()
        self.local = not settings.redis_url
        if settings.redis_url:
            self.windows = SharedWindows(settings.redis_url, settings.rate_key_prefix)
        self.items: dict[str, RateLimitItem] = {
            "match": parse(settings.rate_match),
            "login": parse(settings.rate_login),
            "forms": parse(settings.rate_forms),
            "outcomes": parse(settings.rate_outcomes),
        }
        master = settings.secret_key.encode() or os.urandom(32)
        self.keys = ClientKeys(master)
        self.trusted = list(settings.trusted_proxies)
        self.storage_down = False

    def _storage_down(self) -> None:
        """One warning when the storage stops answering, not one per request."""
        if not self.storage_down:
            self.storage_down = True
            log.warning("rate-limit storage unreachable: requests are not limited until it is back")

    def _storage_up(self) -> None:
        if self.storage_down:
            self.storage_down = False
            log.warning("rate-limit storage reachable again: limits apply")

    def check(self, bucket: Bucket, request: Request) -> None:
        """Count one request; raise 429 with `Retry-After` when the client is over its limit."""
        self._hit(bucket, self.keys.key(counted_as(client_address(request, self.trusted))))

    def check_account(self, bucket: Bucket, subject_id: str) -> None:
        """Count one request of a signed-in account (known to the storage only by a keyed hash
        of its id, like an address); 429 with `Retry-After` over its limit."""
        self._hit(bucket, self.keys.key(f"account:{subject_id}"))

    def _hit(self, bucket: Bucket, key: str) -> None:
        item = self.items[bucket]
        try:
            allowed = self.windows.hit(item, bucket, key)
            retry = 0 if allowed else self.windows.retry_after(item, bucket, key)
        except StorageError:
            # better unlimited for a while than turning away someone who needs help
            self._storage_down()
            return
        self._storage_up()
        if allowed:
            return
        raise HTTPException(
            status_code=429,
            detail="Too many requests from your connection. Please wait a moment and try again.",
            headers={"Retry-After": str(retry)},
        )


def rate_limited(
    bucket: Bucket, *, page: bool = False
) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """A dependency counting each request in `bucket` for its client; `page=True` on routes
    that answer people with pages, so that a refusal is the error page, not JSON."""
    if bucket not in ("match", "login", "forms", "outcomes"):
        raise ValueError(f"unknown rate-limit bucket {bucket!r}")

    async def check(request: Request) -> None:
        if page:
            request.scope["passerelle.page"] = True
        limits: RateLimits = request.app.state.rate_limits
        if limits.local:
            limits.check(bucket, request)  # memory only: no need for a worker thread
        else:
            await run_in_threadpool(limits.check, bucket, request)

    return check
