"""Rate limits: 429 with Retry-After, clients kept apart, X-Forwarded-For believed only from
trusted proxies, and the client's address never kept anywhere (logs, Redis keys, answers)."""

import logging
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import redis
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from limits.errors import StorageError

from api.app import create_app
from api.rate_windows import LocalWindows
from api.ratelimit import ClientKeys, counted_as, rate_limited
from api.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
ADDRESS = "203.0.113.77"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "memory":
        yield {}
        return
    if not _redis_up():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"passerelle-test-{uuid.uuid4().hex}"
    yield {"redis_url": REDIS_URL, "rate_key_prefix": prefix}
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def limited_app(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.post("/limited", dependencies=[Depends(rate_limited("forms"))])
    def limited() -> dict[str, bool]:
        return {"ok": True}

    return app


@pytest.fixture
def app(storage: dict[str, str], tmp_path: pytest.TempPathFactory) -> FastAPI:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/unused.db",
        secret_key="test-secret-" + "k" * 32,
        rate_forms="3/minute",
        trusted_proxies=["10.0.0.0/8"],
        **storage,  # type: ignore[arg-type]
    )
    return limited_app(settings)


def client_from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def test_429_with_retry_after_and_json_detail(app: FastAPI) -> None:
    client = client_from(app, ADDRESS)
    assert [client.post("/limited").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.post("/limited")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Too many requests" in refused.json()["detail"]
    assert refused.headers["cache-control"] == "no-store"


def test_clients_are_counted_apart(app: FastAPI) -> None:
    first, second = client_from(app, ADDRESS), client_from(app, "198.51.100.9")
    for _ in range(3):
        first.post("/limited")
    assert first.post("/limited").status_code == 429
    assert second.post("/limited").status_code == 200


def test_forwarded_for_ignored_from_an_untrusted_peer(app: FastAPI) -> None:
    client = client_from(app, ADDRESS)
    codes = [
        client.post("/limited", headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_forwarded_for_honoured_from_a_trusted_proxy(app: FastAPI) -> None:
    proxy = client_from(app, "10.1.2.3")
    for _ in range(3):
        assert proxy.post("/limited", headers={"X-Forwarded-For": ADDRESS}).status_code == 200
    assert proxy.post("/limited", headers={"X-Forwarded-For": ADDRESS}).status_code == 429
    # another client behind the same proxy has its own allowance; a spoofed left-most hop
    # added by the client itself does not help it
    other = {"X-Forwarded-For": f"{ADDRESS}, 198.51.100.20"}
    assert proxy.post("/limited", headers=other).status_code == 200
    spoofed = {"X-Forwarded-For": f"1.2.3.4, {ADDRESS}"}
    assert proxy.post("/limited", headers=spoofed).status_code == 429


def test_garbage_forwarded_for_from_a_trusted_proxy_counts_as_the_proxy(app: FastAPI) -> None:
    proxy = client_from(app, "10.9.9.9")
    codes = [
        proxy.post("/limited", headers={"X-Forwarded-For": f"not-an-address-{n}"}).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_the_address_is_kept_nowhere(
    app: FastAPI, storage: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = client_from(app, "10.1.2.3")
    answers = [proxy.post("/limited", headers={"X-Forwarded-For": ADDRESS}) for _ in range(5)] + [
        client_from(app, ADDRESS).post("/limited") for _ in range(5)
    ]
    assert {answer.status_code for answer in answers} == {200, 429}
    for answer in answers:
        assert ADDRESS not in answer.text
        assert ADDRESS not in str(answer.headers)
    assert ADDRESS not in caplog.text
    if storage:
        client = redis.Redis.from_url(REDIS_URL)
        keys = [key.decode() for key in client.scan_iter(f"{storage['rate_key_prefix']}*")]
        assert keys, "the limits should live in Redis"
        assert not [key for key in keys if ADDRESS in key or "203.0.113" in key]


def test_redis_down_lets_requests_through(
    tmp_path: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/unused.db",
        redis_url="redis://127.0.0.1:1/0",
        rate_forms="1/minute",
    )
    caplog.set_level(logging.WARNING, logger="passerelle")
    client = client_from(limited_app(settings), ADDRESS)
    assert [client.post("/limited").status_code for _ in range(3)] == [200, 200, 200]
    warnings = [r.getMessage() for r in caplog.records if "rate-limit storage" in r.getMessage()]
    assert warnings == ["rate-limit storage unreachable: requests are not limited until it is back"]


def test_keys_rotate_daily_and_hide_the_address() -> None:
    day = [date(2026, 11, 23)]
    keys = ClientKeys(b"master", today=lambda: day[0])
    monday = keys.key(ADDRESS)
    assert monday == keys.key(ADDRESS) and ADDRESS not in monday
    assert keys.key("198.51.100.9") != monday
    day[0] = date(2026, 11, 24)
    assert keys.key(ADDRESS) != monday
    assert ClientKeys(b"other", today=lambda: day[0]).key(ADDRESS) != keys.key(ADDRESS)


def test_unknown_bucket_is_refused_when_the_route_is_declared() -> None:
    with pytest.raises(ValueError, match="unknown rate-limit bucket"):
        rate_limited("nope")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [("trusted_proxies", "10.0.0.0/8,nope", "nope"), ("rate_match", "lots", "lots")],
)
def test_bad_settings_name_the_field(field: str, value: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected) as raised:
        Settings(**{field: value})  # type: ignore[arg-type]
    assert field in str(raised.value)


def test_match_is_rate_limited(database_url: str) -> None:
    settings = Settings(database_url=database_url, rate_match="2/minute")
    with TestClient(create_app(settings), client=(ADDRESS, 1)) as client:
        codes = [client.post("/v1/match", json={}).status_code for _ in range(3)]
        other = TestClient(client.app, client=("198.51.100.9", 1)).post("/v1/match", json={})
    assert codes == [200, 200, 429]
    assert other.status_code == 200


def test_public_search_page_is_rate_limited_with_a_page(database_url: str) -> None:
    settings = Settings(database_url=database_url, rate_match="1/minute")
    with TestClient(create_app(settings), client=(ADDRESS, 1)) as client:
        first = client.post("/search", data={"needs": "housing"})
        refused = client.post("/search", data={"needs": "housing"})
    assert first.status_code == 200
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert int(refused.headers["retry-after"]) >= 1
    assert 'id="quick-exit"' in refused.text
    assert ADDRESS not in refused.text


@pytest.mark.parametrize(
    ("path", "setting"), [("/portal/login", "rate_login"), ("/suggest/any-service", "rate_forms")]
)
def test_portal_login_and_public_suggestion_are_rate_limited(
    database_url: str, path: str, setting: str
) -> None:
    settings = Settings(database_url=database_url, **{setting: "2/minute"})  # type: ignore[arg-type]
    with TestClient(create_app(settings), client=(ADDRESS, 1)) as client:
        codes = [client.post(path, data={"email": "a@b.c", "password": "x"}) for _ in range(3)]
    assert [answer.status_code for answer in codes][2] == 429
    assert codes[0].status_code != 429 and codes[1].status_code != 429
    assert codes[2].headers["content-type"].startswith("text/html")
    assert "retry-after" in codes[2].headers


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("203.0.113.77", "203.0.113.77"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.77", "203.0.113.77"),
        ("testclient", "testclient"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64_network(address: str, counted: str) -> None:
    assert counted_as(address) == counted


def test_changing_ipv6_address_within_a_64_does_not_escape_the_limit(app: FastAPI) -> None:
    codes = [
        client_from(app, f"2001:db8:1:2::{n}").post("/limited").status_code for n in range(1, 5)
    ]
    assert codes == [200, 200, 200, 429]
    assert client_from(app, "2001:db8:1:3::1").post("/limited").status_code == 200


class FlakyStorage(LocalWindows):
    """Memory windows that can be switched off, as a Redis that goes away and comes back."""

    down = False

    def hit(self, item: Any, bucket: str, key: str) -> bool:
        if self.down:
            raise StorageError(ConnectionError("connection refused"))
        return super().hit(item, bucket, key)


def test_one_warning_per_outage_of_the_storage(
    tmp_path: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = limited_app(Settings(database_url=f"sqlite:///{tmp_path}/unused.db"))
    storage = FlakyStorage()
    app.state.rate_limits.windows = storage
    caplog.set_level(logging.WARNING, logger="passerelle")
    client = client_from(app, ADDRESS)
    for down in (True, False, True):
        storage.down = down
        assert {client.post("/limited").status_code for _ in range(5)} <= {200, 429}
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "rate-limit storage unreachable",
        "rate-limit storage reachable again",
        "rate-limit storage unreachable",
    ]
