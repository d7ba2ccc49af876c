"""A partner's working version: what it reads, its version and its ETag (no HTTP)."""

import pytest
from sqlalchemy.engine import Engine

from directory.changes.working import canonical, if_match_allows, version_of, working
from directory.errors import NotFound, ServiceNotFound
from directory.taxonomy import term_record
from tests.partner_fixtures import World


def test_a_partner_reads_its_own_service_and_its_etag_is_stable(
    engine: Engine, world: World
) -> None:
    with engine.begin() as connection:
        first = working(connection, service_id=world.service_a, organization_id=world.org_a)
        again = working(connection, service_id=world.service_a, organization_id=world.org_a)
    assert first.record["name"] == "Alpha beds"
    assert first.change is None and not first.is_new
    assert first.etag == again.etag and first.etag.startswith('"')
    assert first.base_version == version_of(first.published)


def test_another_organisations_service_is_not_found_as_if_there_were_none(
    engine: Engine, world: World
) -> None:
    with engine.begin() as connection, pytest.raises(ServiceNotFound) as raised:
        working(connection, service_id=world.service_b, organization_id=world.org_a)
    assert isinstance(raised.value, NotFound) and raised.value.status_code == 404
    assert raised.value.code == "service_not_found"
    assert raised.value.message == f"no service with id {world.service_b}"
    with engine.begin() as connection, pytest.raises(ServiceNotFound):
        working(connection, service_id="no-such-service", organization_id=world.org_a)


def test_a_curator_reads_any_service(engine: Engine, world: World) -> None:
    with engine.begin() as connection:
        state = working(connection, service_id=world.service_b, organization_id=None)
    assert state.organization_id == world.org_b


def test_the_version_ignores_audit_rows_and_write_time() -> None:
    record = {"id": "s", "name": "A", "phones": [{"id": "p", "number": "1"}]}
    noisy = {**record, "last_modified": "2026-12-03", "metadata": [{"id": "m"}]}
    noisy["phones"] = [{"id": "p", "number": "1", "metadata": []}]
    assert version_of(noisy) == version_of(record)
    assert version_of({**record, "name": "B"}) != version_of(record)


def test_if_match_takes_a_star_or_one_of_the_listed_tags() -> None:
    assert if_match_allows("*", '"abc"')
    assert if_match_allows('"x", "abc"', '"abc"')
    assert not if_match_allows('"x"', '"abc"')
    assert not if_match_allows('W/"abc"', '"abc"')


def test_canonical_puts_our_term_in_place_of_a_partners_and_orders_by_id() -> None:
    mine = {"id": "t", "code": "need.housing", "name": "my own words"}
    geo = {"id": "g", "code": "geo.approximate", "name": "as stored"}
    record = {
        "id": "s",
        "metadata": [{"id": "m"}],
        "attributes": [
            {"id": "b", "taxonomy_term": mine, "taxonomy_term_id": "t"},
            {"id": "a", "taxonomy_term": geo, "taxonomy_term_id": "g", "link_type": "x"},
        ],
    }
    result = canonical(record)
    assert "metadata" not in result
    assert [item["id"] for item in result["attributes"]] == ["a", "b"]
    housing = result["attributes"][1]
    assert housing["taxonomy_term"] == term_record("need.housing")
    assert housing["taxonomy_term_id"] == term_record("need.housing")["id"]
    assert housing["link_type"] == "passerelle"
    # geo terms stay as stored: published versions (and partners' ETags) do not move
    assert result["attributes"][0]["taxonomy_term"] == geo
    assert result["attributes"][0]["link_type"] == "x"
