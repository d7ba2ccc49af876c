"""Referral outcomes: off unless the deployment enables them; recorded only by a signed-in
portal account (CSRF, rate limited per account, 303 to a one-shot message); counted per
service, month and outcome, and nothing else; curators see the counts and the prompts."""

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory.accounts.models import Role
from directory.accounts.service import create_user
from tests.api.routes.portal.accounts import CURATOR, PARTNER, PASSWORD, sign_in
from tests.partner_fixtures import World

REFERRER = "referrer@social.example"
AGENT = "OutcomeAgent/7.3"
ADDRESS = "198.51.100.23"


@pytest.fixture
def referrer(engine: Engine, world: World) -> str:
    with engine.begin() as connection:
        return create_user(
            connection, email=REFERRER, password=PASSWORD, role=Role.referrer, organization_id=None
        )


def outcomes_app(settings: Settings, **changes: Any) -> Any:
    return create_app(settings.model_copy(update={"referral_outcomes": True, **changes}))


@pytest.fixture
def site(settings: Settings, world: World, referrer: str) -> Iterator[TestClient]:
    with TestClient(outcomes_app(settings)) as client:
        yield client


def counted(engine: Engine) -> list[tuple[str, str, str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT service_id, month, outcome, count FROM referral_outcome_count")
        ).all()
    return sorted((row[0], row[1], row[2], int(row[3])) for row in rows)


def record(client: TestClient, service_id: str, csrf: str, outcome: str, **kw: Any) -> Any:
    return client.post(
        f"/portal/outcomes/{service_id}",
        data={"outcome": outcome, "csrf_token": csrf},
        follow_redirects=False,
        **kw,
    )


def this_month() -> str:
    now = datetime.now(UTC)
    return f"{now.year:04d}-{now.month:02d}"


# --- off by default ------------------------------------------------------------------------------


def test_off_by_default_pages_are_404_and_nothing_links_to_them(
    client: TestClient, world: World, engine: Engine
) -> None:
    assert Settings().referral_outcomes is False
    csrf = sign_in(client, CURATOR)
    assert client.get("/portal/outcomes").status_code == 404
    assert client.get(f"/portal/outcomes/{world.service_a}").status_code == 404
    assert record(client, world.service_a, csrf, "accepted").status_code == 404
    service_page = client.get(f"/services/{world.service_a}")
    sheet = client.post("/referral", data={"service": world.service_a})
    nav = client.get("/portal/queue")
    for page in (service_page, sheet, nav):
        assert "/portal/outcomes" not in page.text
    assert counted(engine) == []


def test_when_enabled_the_service_page_and_sheet_link_with_the_service_id_only(
    site: TestClient, world: World
) -> None:
    link = f'href="/portal/outcomes/{world.service_a}"'
    service_page = site.get(f"/services/{world.service_a}")
    sheet = site.post("/referral", data={"service": world.service_a})
    for page in (service_page, sheet):
        assert link in page.text
        assert "set-cookie" not in page.headers
    saved = site.post("/referral", data={"service": world.service_a, "format": "file"})
    assert "/portal/outcomes" not in saved.text, "a sheet saved for the person has no link"
    results = site.post("/search", data={"needs": "emergency_shelter", "place": "Bruxelles"})
    assert results.status_code == 200 and "/portal/outcomes" not in results.text


# --- recording -----------------------------------------------------------------------------------


def test_a_referrer_records_an_outcome_and_sees_a_one_shot_message(
    site: TestClient, world: World, engine: Engine
) -> None:
    csrf = sign_in(site, REFERRER)
    home = site.get("/portal/", follow_redirects=False)
    assert home.headers["location"] == "/portal/outcomes"
    form = site.get(f"/portal/outcomes/{world.service_a}")
    assert form.status_code == 200 and "Alpha beds" in form.text
    assert form.text.count('type="radio" name="outcome"') == 5
    answer = record(site, world.service_a, csrf, "turned_away_full")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/portal/outcomes/{world.service_a}"
    shown = site.get(answer.headers["location"])
    assert "the outcome was counted" in shown.text
    again = site.get(answer.headers["location"])
    assert "the outcome was counted" not in again.text, "the message is shown once"
    assert counted(engine) == [(world.service_a, this_month(), "turned_away_full", 1)]


def test_partners_and_curators_may_record_too(
    site: TestClient, world: World, engine: Engine
) -> None:
    for email in (PARTNER, CURATOR):
        csrf = sign_in(site, email)
        assert record(site, world.service_b, csrf, "accepted").status_code == 303
        site.post("/portal/logout", data={"csrf_token": csrf})
    assert counted(engine) == [(world.service_b, this_month(), "accepted", 2)]


def test_without_csrf_or_sign_in_nothing_is_counted(
    site: TestClient, world: World, engine: Engine
) -> None:
    anonymous = record(site, world.service_a, "", "accepted")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/portal/login"
    sign_in(site, REFERRER)
    assert record(site, world.service_a, "forged", "accepted").status_code == 403
    assert counted(engine) == []


PICK = "Outcome: Please pick one of the outcomes."
TOO_LONG = "These fields cannot be used as sent: outcome."


@pytest.mark.parametrize(
    ("outcome", "said"),
    [("refused", PICK), ("", PICK), ("accepted; drop table", PICK), ("x" * 41, TOO_LONG)],
)
def test_a_bad_outcome_names_the_field_and_counts_nothing(
    site: TestClient, world: World, engine: Engine, outcome: str, said: str
) -> None:
    csrf = sign_in(site, REFERRER)
    answer = record(site, world.service_a, csrf, outcome)
    assert answer.status_code == 422
    assert said in answer.text
    assert counted(engine) == []


def test_an_unknown_service_is_404(site: TestClient, engine: Engine) -> None:
    csrf = sign_in(site, REFERRER)
    assert site.get("/portal/outcomes/no-such-service").status_code == 404
    assert record(site, "no-such-service", csrf, "accepted").status_code == 404
    assert counted(engine) == []


def test_recording_is_rate_limited_per_account(
    settings: Settings, world: World, referrer: str, engine: Engine
) -> None:
    with TestClient(outcomes_app(settings, rate_outcomes="2/hour")) as client:
        csrf = sign_in(client, REFERRER)
        answers = [record(client, world.service_a, csrf, "accepted").status_code for _ in range(3)]
        assert answers == [303, 303, 429]
        client.post("/portal/logout", data={"csrf_token": csrf})
        other = sign_in(client, PARTNER)
        assert record(client, world.service_a, other, "accepted").status_code == 303
    assert counted(engine) == [(world.service_a, this_month(), "accepted", 3)]


# --- roles and the curators' counts --------------------------------------------------------------


def test_a_referrer_sees_no_counts_and_no_partner_or_curator_page(
    site: TestClient, world: World
) -> None:
    sign_in(site, REFERRER)
    page = site.get("/portal/outcomes")
    assert page.status_code == 200 and "Record an outcome" in page.text
    assert "<table" not in page.text
    for path in ("/portal/services", "/portal/queue", f"/portal/services/{world.service_a}"):
        assert site.get(path).status_code == 403, path


def test_curators_see_counts_per_service_and_month_and_the_prompt(
    site: TestClient, world: World
) -> None:
    csrf = sign_in(site, REFERRER)
    for outcome in ["turned_away_not_eligible"] * 3 + ["accepted"]:
        record(site, world.service_a, csrf, outcome)
    for outcome in ["turned_away_not_eligible"] * 2:
        record(site, world.service_b, csrf, outcome)
    site.post("/portal/logout", data={"csrf_token": csrf})
    sign_in(site, CURATOR)
    page = site.get("/portal/outcomes")
    assert page.status_code == 200
    rows = re.findall(
        r"<tr><td>(\d{4}-\d{2})</td><th scope=\"row\">([^<]+)</th>(.*?)</tr>", page.text
    )
    cells = {name: re.findall(r"<td>(\d+)</td>", rest) for _, name, rest in rows}
    assert cells == {
        "Alpha beds": ["1", "0", "3", "0", "0", "4"],
        "Beta advice": ["0", "0", "2", "0", "0", "2"],
    }
    prompts = page.text.split('class="prompts"')[1].split("</ul>")[0]
    assert "Alpha beds" in prompts and "3 of 4" in prompts
    assert "Beta advice" not in prompts


# --- nothing that identifies anyone --------------------------------------------------------------


def _dump(engine: Engine) -> dict[str, set[str]]:
    """Every row of every table, as text."""
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return {
            name: {
                repr(tuple(row))
                for row in connection.execute(text(f'SELECT * FROM "{name}"')).all()
            }
            for name in names
        }


def test_the_counters_store_nothing_that_identifies_a_person(
    site: TestClient, world: World, engine: Engine, referrer: str, caplog: pytest.LogCaptureFixture
) -> None:
    csrf = sign_in(site, REFERRER)
    before = _dump(engine)
    headers = {"User-Agent": AGENT, "X-Forwarded-For": ADDRESS}
    with caplog.at_level(logging.DEBUG):
        for outcome in ("accepted", "turned_away_no_answer", "accepted"):
            assert record(site, world.service_a, csrf, outcome, headers=headers).status_code == 303
            site.get(f"/portal/outcomes/{world.service_a}", headers=headers)
    after = _dump(engine)
    written = {name: rows - before.get(name, set()) for name, rows in after.items()}
    written = {name: rows for name, rows in written.items() if rows}
    assert set(written) == {"referral_outcome_count"}, written
    assert {name for name, rows in before.items() if rows - after[name]} == set()
    today = datetime.now(UTC).date()
    forbidden = [referrer, REFERRER, "referrer@", AGENT, ADDRESS, "testclient", today.isoformat(),
                 today.strftime("%d/%m/%Y"), today.strftime("%Y%m%d")]  # fmt: skip
    text_written = " ".join(row for rows in written.values() for row in rows)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for value in forbidden:
        assert value not in text_written, value
        assert value not in logged, value
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text_written), "no date finer than the month"
    columns = {c["name"] for c in inspect(engine).get_columns("referral_outcome_count")}
    assert columns == {"service_id", "month", "outcome", "count"}
