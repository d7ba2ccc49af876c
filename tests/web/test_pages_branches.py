"""A service with several locations on the website: the result card gives the matched location's
phone and address (never another branch's), a location without a phone gives the central number
so labelled, and the service page lists every location with its own phone. SQLite and PostgreSQL.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory.database import session_scope
from directory.hsds.importer import import_records
from tests.builders import at_locations, location, new_id, service_record, with_phone

ANTWERP_PHONE = "+32 3 000 00 10"
CHARLEROI_PHONE = "+32 71 00 00 20"
CENTRAL_PHONE = "+32 2 000 00 30"
TOWNS = ("Antwerpen", "Charleroi", "Liège")


def _centres() -> dict[str, Any]:
    """Three centres: Antwerp and Charleroi with their own phones, Liège with none."""
    record = service_record("Care centres", codes=("need.violence_support",), phones=())
    record["phones"] = [
        {
            "id": new_id(),
            "service_id": record["id"],
            "number": CENTRAL_PHONE,
            "description": "central number; read on example.org (2025); not confirmed",
        }
    ]
    places = [
        with_phone(
            location(
                name=f"Care centre {town}",
                latitude=point[0],
                longitude=point[1],
                city=town,
                postcode=postcode,
            ),
            number,
        )
        for town, postcode, point, number in (
            ("Antwerpen", "2000", (51.2194, 4.4025), ANTWERP_PHONE),
            ("Charleroi", "6000", (50.4108, 4.4446), CHARLEROI_PHONE),
            ("Liège", "4000", (50.6326, 5.5797), None),
        )
    ]
    return at_locations(record, places)


@pytest.fixture
def site(engine: Engine, database_url: str) -> Iterator[tuple[TestClient, str]]:
    record = _centres()
    with session_scope(engine) as session:
        import_records(session.connection(), [record], who="curator")
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client, record["id"]


def _card(client: TestClient, place: str) -> str:
    page = client.post("/search", data={"lang": "en", "place": place, "needs": "violence_support"})
    assert page.status_code == 200
    card: str = page.text.split('<li class="result">', 1)[1].split("<details>", 1)[0]
    return card


def test_the_card_gives_the_matched_branchs_phone_and_address(site: tuple[TestClient, str]) -> None:
    client, _ = site
    card = _card(client, "Antwerpen")
    assert ANTWERP_PHONE in card and "Care centre Antwerpen street 1" in card
    assert CHARLEROI_PHONE not in card and CENTRAL_PHONE not in card
    card = _card(client, "Charleroi")
    assert CHARLEROI_PHONE in card and ANTWERP_PHONE not in card


def test_a_branch_without_a_phone_gives_the_central_number_so_labelled(
    site: tuple[TestClient, str],
) -> None:
    client, _ = site
    card = _card(client, "Liège")
    assert CENTRAL_PHONE in card and "(central number)" in card
    assert ANTWERP_PHONE not in card and CHARLEROI_PHONE not in card


def test_the_api_labels_the_phone_it_gives(site: tuple[TestClient, str]) -> None:
    client, _ = site
    for place, expected in (
        ("Antwerpen", [{"number": ANTWERP_PHONE, "kind": "location", "confirmed": True}]),
        ("Liège", [{"number": CENTRAL_PHONE, "kind": "central", "confirmed": False}]),
    ):
        body = client.post("/v1/match", json={"location": {"place": place}}).json()
        (result,) = body["results"]
        assert result["phones"] == expected
        assert result["location"]["name"] == f"Care centre {place}"


def test_the_service_page_lists_every_location_with_its_own_phone(
    site: tuple[TestClient, str],
) -> None:
    client, service_id = site
    page = client.get(f"/services/{service_id}?lang=fr")
    assert page.status_code == 200
    locations = page.text.split('<ul class="plain locations">', 1)[1].split("</ul>", 1)[0]
    items = {item.split(":", 1)[0]: item for item in locations.split("<li>")[1:]}
    assert len(items) == 3
    antwerp, charleroi, liege = (items[f"Care centre {town}"] for town in TOWNS)
    assert ANTWERP_PHONE in antwerp and CHARLEROI_PHONE not in antwerp
    assert CHARLEROI_PHONE in charleroi and ANTWERP_PHONE not in charleroi
    assert "+32" not in liege
    assert "numéro central" in page.text.split(locations, 1)[0]
