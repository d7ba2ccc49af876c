"""The request's unit of work (`SessionDep`): one commit when the route has returned, before the
answer is sent; nothing kept when the route raises, or when it answers a refusal itself."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from api.deps import SessionDep, undone_if_refused
from directory.errors import Conflict
from directory.hsds.importer import import_records
from tests.builders import service_record
from tests.conftest import row_counts


def _write(connection: Connection, name: str) -> None:
    import_records(connection, [service_record(name)])


@pytest.fixture
def routes(app: FastAPI) -> FastAPI:
    @app.post("/test/write")
    def write(session: SessionDep) -> dict[str, str]:
        _write(session.connection(), "Kept")
        return {"done": "yes"}

    @app.post("/test/write-then-refuse")
    def write_then_refuse(session: SessionDep) -> dict[str, str]:
        _write(session.connection(), "Refused")
        raise Conflict("changed meanwhile")

    @app.post("/test/refusal-answered")
    def refusal_answered(session: SessionDep) -> dict[str, str]:
        try:
            with undone_if_refused(session) as connection:
                _write(connection, "Refused")
                raise Conflict("changed meanwhile")
        except Conflict:
            return {"done": "refused, and said so"}

    return app


@pytest.fixture
def test_client(routes: FastAPI) -> Iterator[TestClient]:
    with TestClient(routes) as client:
        yield client


def _services(engine: Engine) -> int:
    return row_counts(engine)["service"]


def test_a_route_that_returns_is_committed_before_it_answers(
    test_client: TestClient, engine: Engine
) -> None:
    before = _services(engine)
    assert test_client.post("/test/write").json() == {"done": "yes"}
    assert _services(engine) == before + 1


def test_a_route_that_raises_keeps_nothing(test_client: TestClient, engine: Engine) -> None:
    before = row_counts(engine)
    answer = test_client.post("/test/write-then-refuse")
    assert answer.status_code == 409 and answer.json() == {"detail": "changed meanwhile"}
    assert row_counts(engine) == before


def test_a_refusal_the_route_answers_itself_keeps_nothing(
    test_client: TestClient, engine: Engine
) -> None:
    before = row_counts(engine)
    answer = test_client.post("/test/refusal-answered")
    assert answer.status_code == 200 and answer.json() == {"done": "refused, and said so"}
    assert row_counts(engine) == before


def test_a_commit_that_fails_is_answered_as_unavailable_never_as_done(
    routes: FastAPI, engine: Engine
) -> None:
    def refuse(connection: Connection) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk full"))

    app_engine: Engine = routes.state.engine
    event.listen(app_engine, "commit", refuse)
    try:
        with TestClient(routes) as client:
            answer = client.post("/test/write")
    finally:
        event.remove(app_engine, "commit", refuse)
    assert answer.status_code == 503 and "done" not in answer.text
    assert int(answer.headers["retry-after"]) > 0
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT count(*) FROM service WHERE name = 'Kept'"))
        assert kept.scalar_one() == 0


# --- the language of the request (LangDep): negotiated once, from the form, the query, the
# portal's remembered choice, then Accept-Language ------------------------------------------------

LONG = "x" * 36


def test_a_search_sent_by_post_speaks_the_forms_language_then_the_querys(
    client: TestClient,
) -> None:
    english = {"Accept-Language": "en"}
    from_form = client.post("/search?lang=nl", data={"lang": "fr", "needs": "x"}, headers=english)
    from_query = client.post("/search?lang=nl", data={"needs": "x"}, headers=english)
    negotiated = client.post("/search", data={"needs": "x"}, headers={"Accept-Language": "de"})
    assert '<html lang="fr">' in from_form.text
    assert '<html lang="nl">' in from_query.text
    assert '<html lang="de">' in negotiated.text


@pytest.mark.parametrize("path", ["/", "/about", "/portal/login"])
def test_a_language_too_long_to_be_one_is_refused_with_a_page(
    client: TestClient, path: str
) -> None:
    answer = client.get(f"{path}?lang={LONG}", headers={"Accept-Language": "nl"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in answer.text


def test_a_form_language_that_is_none_of_ours_gives_way_to_accept_language(
    client: TestClient,
) -> None:
    answer = client.post(
        "/search", data={"lang": LONG, "needs": "x"}, headers={"Accept-Language": "de"}
    )
    assert '<html lang="de">' in answer.text
