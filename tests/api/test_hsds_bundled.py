"""The bundled directory as the HSDS API publishes it (moved from tests/directory/test_bundled.py:
the directory tests run without the app)."""

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.taxonomy import GEO_TAXONOMY_ID, KNOWN
from tests.directory.test_bundled import RECORDS, codes, load, locations
from tests.hsds_schemas import errors


def test_no_confidential_address_leaves_through_the_hsds_api(
    client: TestClient, engine: Engine
) -> None:
    load(engine)
    hidden = [r for r in RECORDS if "privacy.confidential_address" in codes(r)]
    hidden_locations = {location["id"] for r in hidden for location in locations(r)}
    for record in hidden:
        body = client.get(f"/hsds/services/{record['id']}").json()
        assert body["service_at_locations"] == []
        assert errors(body, "service") == []
    full = client.get("/hsds/services", params={"full": "true", "per_page": 100}).json()
    assert full["total_items"] == len(RECORDS)
    assert not hidden_locations & set(re.findall(r"[0-9a-f-]{36}", json.dumps(full)))
    links = client.get("/hsds/service_at_locations", params={"per_page": 100}).json()
    assert not hidden_locations & set(re.findall(r"[0-9a-f-]{36}", json.dumps(links)))


def test_the_geo_taxonomy_is_published(client: TestClient, engine: Engine) -> None:
    load(engine)
    geo = client.get(f"/hsds/taxonomies/{GEO_TAXONOMY_ID}").json()
    assert geo["name"] == "passerelle-geo"
    term = client.get(f"/hsds/taxonomy_terms/{KNOWN['geo.approximate'].id}").json()
    assert term["code"] == "geo.approximate"
