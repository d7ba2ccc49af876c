"""Accessibility on the website: checkboxes on the search form (no JavaScript), results that
leave out only places whose data says no, and the service page's list of what each place has,
does not have or does not state. The choice is not kept: no cookie, the answer is the page."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory.database import session_scope
from directory.hsds.importer import import_records
from tests.builders import accessible, service_record

RAMP = accessible(service_record("Ramp house"), step_free=True, quiet_room=False)
STEPS = accessible(service_record("Steps house"), step_free=False)
UNKNOWN = service_record("Unknown house")


@pytest.fixture
def site(engine: Engine, database_url: str) -> Iterator[TestClient]:
    with session_scope(engine) as session:
        import_records(session.connection(), [RAMP, STEPS, UNKNOWN], who="curator")
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client


def test_the_form_has_a_checkbox_per_access_code(site: TestClient) -> None:
    page = site.get("/?lang=de")
    boxes = re.findall(r'<input type="checkbox" name="accessibility" value="([a-z_]+)"', page.text)
    assert boxes == [
        "step_free",
        "accessible_toilet",
        "sign_language",
        "quiet_room",
        "public_transport",
    ]
    assert "Stufenloser Zugang" in page.text


def test_a_search_leaves_out_only_a_no_and_says_what_is_not_stated(site: TestClient) -> None:
    answer = site.post(
        "/search",
        data={"lang": "en", "needs": "housing", "place": "Bruxelles", "accessibility": "step_free"},
    )
    assert answer.status_code == 200
    assert "Ramp house" in answer.text and "Unknown house" in answer.text
    assert "Steps house" not in answer.text
    assert "Accessibility not stated: Step-free access" in answer.text
    assert "Accessibility: Step-free access" in answer.text
    assert re.search(r'name="accessibility" value="step_free" checked', answer.text)
    assert "set-cookie" not in answer.headers


def test_an_unknown_choice_is_named_next_to_the_field(site: TestClient) -> None:
    answer = site.post("/search", data={"lang": "en", "needs": "housing", "accessibility": "lift"})
    assert answer.status_code == 422
    assert 'id="accessibility-error"' in answer.text
    assert "Please pick from the list." in answer.text


def test_the_service_page_lists_what_the_place_has_lacks_and_does_not_state(
    site: TestClient,
) -> None:
    page = site.get(f"/services/{RAMP['id']}?lang=en")
    assert page.status_code == 200
    assert "Has: Step-free access." in page.text
    assert "Does not have: Quiet room." in page.text
    assert "Not stated: Accessible toilet, Sign language, Public transport nearby." in page.text
    unknown = site.get(f"/services/{UNKNOWN['id']}?lang=fr")
    assert "Accessibilité" in unknown.text and "non précisé" in unknown.text
