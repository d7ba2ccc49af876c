"""`POST /v1/match` on SQLite and PostgreSQL: contract, bad input, languages, refresh, faults."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.match_models import MatchRequest
from api.matching import MatchService, places_for_matching
from api.settings import Settings
from directory.database import make_engine
from directory.hsds.importer import import_records
from directory.places.gazetteer import Place
from directory.places.locate import geocode_online
from directory.state import bump_version
from tests.builders import service_record

ROMANIAN_HOUSING = {
    "location": {"place": "Bruxelles"},
    "languages": ["ro"],
    "needs": ["housing"],
}


def load(engine: Engine, records: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        import_records(connection, records, who="curator")
        bump_version(connection)


@pytest.fixture
def directory(engine: Engine) -> list[dict[str, Any]]:
    records = [
        service_record("Maison", codes=["need.housing", "welcome.undocumented"], languages=["ro"]),
        service_record(
            "Refuge",
            codes=["need.emergency_shelter", "privacy.confidential_address"],
            at=(50.86, 4.36),
        ),
        service_record(
            "Ligne", codes=["need.crisis_line", "offers.remote"], at=None, areas=["Belgium"]
        ),
    ]
    load(engine, records)
    return records


@pytest.fixture
def searcher(directory: list[dict[str, Any]], app: Any) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def test_answer_has_the_contract_shape(searcher: TestClient) -> None:
    answer = searcher.post("/v1/match", json=ROMANIAN_HOUSING)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert set(body) == {"results", "notices", "unmet_needs", "total", "place"}
    assert body["total"] >= len(body["results"])
    first = body["results"][0]
    assert set(first) == {
        "service",
        "location",
        "distance_km",
        "score",
        "matched_needs",
        "reasons",
        "cautions",
        "reason_codes",
        "caution_codes",
        "phones",
    }
    for texts, explained in (("reasons", "reason_codes"), ("cautions", "caution_codes")):
        assert len(first[texts]) == len(first[explained])
        assert all(set(item) == {"code", "params"} for item in first[explained])
    assert set(first["service"]) == {
        "id",
        "name",
        "organization",
        "languages",
        "phones",
        "url",
        "verified",
        "sources",
    }
    assert first["service"]["name"] == "Maison"
    assert first["service"]["verified"] is False
    assert "Speaks Romanian" in first["reasons"]
    assert "Still to check with the service: these details" in first["cautions"]
    assert {"code": "to_check", "params": {"items": "listing"}} in first["caution_codes"]


def test_confidential_location_never_leaves_the_server(searcher: TestClient) -> None:
    body = searcher.post(
        "/v1/match", json={"location": {"postcode": "1000"}, "needs": ["emergency_shelter"]}
    ).json()
    result = body["results"][0]
    assert result["service"]["name"] == "Refuge"
    assert result["location"] is None
    assert result["distance_km"] == round(result["distance_km"])
    assert "Refuge office" not in str(body)


def test_empty_body_gives_helplines_and_remote_services(searcher: TestClient) -> None:
    body = searcher.post("/v1/match", json={}).json()
    assert body["results"][0]["service"]["name"] == "Ligne"


def test_language_from_body_then_accept_language_then_english(searcher: TestClient) -> None:
    def first_reason(**kwargs: Any) -> str:
        answer = searcher.post("/v1/match", **kwargs)
        return str(answer.json()["results"][0]["reasons"])

    assert "roumain" in first_reason(json={**ROMANIAN_HOUSING, "lang": "fr"})
    assert "Rumänisch" in first_reason(
        json=ROMANIAN_HOUSING, headers={"Accept-Language": "de-DE,de;q=0.9"}
    )
    assert "Romanian" in first_reason(json={**ROMANIAN_HOUSING, "lang": "xx"})


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"location": {"place": "Xyzzyqwv"}}, ["body", "location", "place"]),
        ({"location": {"postcode": "0000"}}, ["body", "location", "postcode"]),
        ({"documentation_status": "tourist"}, ["body", "documentation_status"]),
        ({"needs": ["money"]}, ["body", "needs", 0]),
        ({"gender": "other"}, ["body", "gender"]),
        ({"goal": "quit"}, ["body", "goal"]),
        ({"languages": ["xx"]}, ["body", "languages"]),
        ({"limit": 0}, ["body", "limit"]),
        ({"limit": 51}, ["body", "limit"]),
        ({"location": {"lat": 91, "lon": 4}}, ["body", "location", "lat"]),
        ({"location": {"lat": 50, "lon": 181}}, ["body", "location", "lon"]),
        ({"age": "old"}, ["body", "age"]),
        ({"needs": "housing"}, ["body", "needs"]),
        ({"situation": {"in_danger_now": "maybe"}}, ["body", "situation", "in_danger_now"]),
        ({"colour": "blue"}, ["body", "colour"]),
        ({"location": {"town": "Gent"}}, ["body", "location", "town"]),
        ({"accessibility": ["lift"]}, ["body", "accessibility", 0]),
        ({"accessibility": "step_free"}, ["body", "accessibility"]),
        ({"accessibility": ["step_free"] * 6}, ["body", "accessibility"]),
    ],
)
def test_bad_input_answers_422_naming_the_field(
    searcher: TestClient, body: dict[str, Any], loc: list[Any]
) -> None:
    answer = searcher.post("/v1/match", json=body)
    assert answer.status_code == 422
    assert loc in [item["loc"] for item in answer.json()["detail"]]


def test_unknown_place_suggests_names(searcher: TestClient) -> None:
    answer = searcher.post("/v1/match", json={"location": {"place": "Anverszzz"}})
    if answer.status_code == 200:  # the gazetteer forgave the typo: that is fine too
        return
    assert "did you mean" in answer.json()["detail"][0]["msg"]


def test_not_json_answers_422(searcher: TestClient) -> None:
    answer = searcher.post("/v1/match", content=b"{", headers={"content-type": "application/json"})
    assert answer.status_code == 422


def test_postcode_wins_over_place(searcher: TestClient) -> None:
    body = {"location": {"place": "Xyzzyqwv", "postcode": "1000"}}
    assert searcher.post("/v1/match", json=body).status_code == 200


def test_an_import_is_matched_within_refresh_seconds(database_url: str, engine: Engine) -> None:
    settings = Settings(database_url=database_url, refresh_seconds=0.2)
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/match", json={"needs": ["training"]}).json()["results"] == []
        load(engine, [service_record("Cours", codes=["need.training"])])
        deadline = time.monotonic() + 5
        names: list[str] = []
        while time.monotonic() < deadline and not names:
            time.sleep(0.1)
            found = client.post("/v1/match", json={"needs": ["training"]}).json()["results"]
            names = [r["service"]["name"] for r in found]
        assert names == ["Cours"]


def test_matching_goes_on_from_memory_when_the_database_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    engine = make_engine(f"sqlite:///{path}")
    from directory.database import upgrade_schema

    upgrade_schema(engine)
    load(engine, [service_record("Maison")])
    service = MatchService(engine, **places_for_matching())
    assert service.refresh()
    engine.dispose()
    path.unlink()
    for leftover in tmp_path.glob("gone.db-*"):
        leftover.unlink()
    service.engine = make_engine("sqlite:////nonexistent-folder/gone.db")
    assert service.refresh() is False
    found = service.match(MatchRequest(needs=["housing"]), "en")
    assert [r.service.name for r in found.results] == ["Maison"]


# --- the opt-in online geocoder (never really asked in tests) ------------------------------------


def test_the_online_geocoder_is_off_unless_asked_for(database_url: str) -> None:
    assert create_app(Settings(database_url=database_url)).state.matching.geocoder is None
    on = create_app(Settings(database_url=database_url, online_geocoder=True))
    assert on.state.matching.geocoder is geocode_online


def test_the_geocoder_is_asked_only_for_places_the_gazetteer_lacks(searcher: TestClient) -> None:
    asked: list[str] = []

    def geocoder(name: str) -> Place | None:
        asked.append(name)
        if name == "Rue Imaginaire 1, Bruxelles":
            return Place(name, 50.85, 4.35, "BE", "Brussels-Capital Region", "1000", "place")
        return None

    searcher.app.state.matching.geocoder = geocoder  # type: ignore[attr-defined]
    known = searcher.post("/v1/match", json=ROMANIAN_HOUSING)
    found = searcher.post(
        "/v1/match", json={**ROMANIAN_HOUSING, "location": {"place": "Rue Imaginaire 1, Bruxelles"}}
    )
    unknown = searcher.post("/v1/match", json={"location": {"place": "Xyzzyqwv"}})
    page = searcher.post(
        "/search", data={"place": "Rue Imaginaire 1, Bruxelles", "needs": "housing"}
    )
    assert known.status_code == 200 and found.status_code == 200 and page.status_code == 200
    assert [r["service"]["name"] for r in found.json()["results"]][0] == "Maison"
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "location", "place"]
    assert asked == ["Rue Imaginaire 1, Bruxelles", "Xyzzyqwv", "Rue Imaginaire 1, Bruxelles"]
