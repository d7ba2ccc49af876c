"""The curators' coverage page: reachable services per need and province, the gaps first, a
heat map drawn on the server, in the curator's language; closed to partners."""

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory import bundled
from directory.hsds.coverage_gaps import PROVINCES
from directory.hsds.importer import import_records
from directory.state import bump_version
from tests.api.routes.portal.accounts import CURATOR, PARTNER, sign_in, sign_in_in_language
from tests.api.routes.words_shown import ENGLISH_ONLY, assert_no_english_left
from tests.partner_fixtures import World
from web.portal import PROVINCE_NAMES


def test_the_coverage_page_shows_the_grid_the_map_and_the_gaps(
    client: TestClient, world: World
) -> None:
    sign_in(client, CURATOR)
    page = client.get("/portal/coverage")
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page.text
    assert "<script" not in page.text.split("<main", 1)[1]
    table = page.text.split('<table class="coverage">')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 21  # every need
    assert all(f"{code.removeprefix('BE-')}</abbr>" in table for code in PROVINCES)
    assert "The gaps first" in page.text and 'href="/portal/coverage"' in page.text


def test_the_coverage_page_counts_one_language_when_asked(
    client: TestClient, world: World, engine: Engine
) -> None:
    with engine.begin() as connection:
        import_records(connection, bundled.records(), who="curator")
        bump_version(connection)
    sign_in(client, CURATOR)
    every = client.get("/portal/coverage").text
    dutch = client.get("/portal/coverage?language=nl").text
    assert '<option value="nl" selected>' in dutch

    def empty_cells(page: str) -> int:
        return len(re.findall(r'class="level-empty"', page))

    assert empty_cells(dutch) > empty_cells(every)


def test_a_bad_language_answers_422_naming_it(client: TestClient, world: World) -> None:
    sign_in(client, CURATOR)
    answer = client.get("/portal/coverage?language=<b>")
    assert answer.status_code == 422
    assert "language" in answer.text and "<b>" not in answer.text


def test_the_coverage_page_is_for_curators_only(client: TestClient, world: World) -> None:
    anonymous = client.get("/portal/coverage", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/portal/login"
    sign_in(client, PARTNER)
    assert client.get("/portal/coverage").status_code == 403


def test_the_coverage_page_speaks_the_curators_language(client: TestClient, world: World) -> None:
    sign_in_in_language(client, CURATOR, "nl")
    page = client.get("/portal/coverage", headers=ENGLISH_ONLY)
    assert "Dekking van de gids" in page.text and "Oost-Vlaanderen" in page.text
    assert_no_english_left(page.text, "portal", "nl")


def test_every_province_has_a_translatable_name() -> None:
    assert set(PROVINCE_NAMES) == set(PROVINCES)
