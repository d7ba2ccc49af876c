"""`accessibility` in `POST /v1/match`: a location whose data says no is left out; where the
data does not say, the result carries the caution code `accessibility_not_stated`."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.test_match import load
from tests.builders import accessible, service_record

ASK = {"location": {"place": "Bruxelles"}, "needs": ["housing"], "lang": "fr"}


def test_only_a_no_excludes_and_not_stated_is_a_caution(engine: Engine, app: Any) -> None:
    load(
        engine,
        [
            accessible(service_record("Marches"), step_free=False),
            accessible(service_record("Rampe"), step_free=True, quiet_room=True),
            service_record("Inconnu"),
        ],
    )
    with TestClient(app) as client:
        answer = client.post(
            "/v1/match", json={**ASK, "accessibility": ["step_free", "quiet_room"]}
        )
    assert answer.status_code == 200
    results = {item["service"]["name"]: item for item in answer.json()["results"]}
    assert sorted(results) == ["Inconnu", "Rampe"]
    assert {"code": "accessible", "params": {"features": "step_free,quiet_room"}} in results[
        "Rampe"
    ]["reason_codes"]
    assert "Accessibilité : Accès sans marches, Pièce calme" in results["Rampe"]["reasons"]
    unknown = results["Inconnu"]
    assert {
        "code": "accessibility_not_stated",
        "params": {"features": "step_free,quiet_room"},
    } in unknown["caution_codes"]
    position = [c["code"] for c in unknown["caution_codes"]].index("accessibility_not_stated")
    assert unknown["cautions"][position].startswith("Accessibilité non précisée : ")
