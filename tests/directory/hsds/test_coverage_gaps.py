"""The coverage-gap report: services per need x province x language, active, reachable and
fresh, the empty and thin cells first; on fictional records and on the bundled directory."""

from datetime import date
from typing import Any

from directory import bundled
from directory.hsds.coverage_gaps import PROVINCES, Cell, coverage, grid
from directory.places.gazetteer import gazetteer
from tests.builders import service_record

TODAY = date(2026, 12, 3)
GHENT, LIEGE = (51.05, 3.7167), (50.6337, 5.5675)
WALLOON = {"BE-WBR", "BE-WHT", "BE-WLG", "BE-WLX", "BE-WNA"}


def cells(*records: dict[str, Any], languages: tuple[str, ...] = ()) -> list[Cell]:
    return coverage(records, today=TODAY, places=gazetteer(), languages=languages)


def cell(found: list[Cell], need: str, province: str, language: str = "") -> Cell:
    return next(c for c in found if (c.need, c.province, c.language) == (need, province, language))


def test_a_site_counts_in_its_province_only() -> None:
    found = cells(service_record("Ghent office", at=GHENT))
    assert cell(found, "housing", "BE-VOV").reachable == 1
    assert all(cell(found, "housing", p).active == 0 for p in PROVINCES if p != "BE-VOV")


def test_an_area_counts_in_every_province_it_names() -> None:
    found = cells(service_record("Walloon line", at=None, areas=["Wallonie"]))
    covered = {c.province for c in found if c.need == "housing" and c.active}
    assert covered == WALLOON
    country = cells(service_record("National line", at=None, areas=["Belgium"]))
    assert {c.province for c in country if c.need == "housing" and c.active} == set(PROVINCES)


def test_reachable_needs_a_phone_or_a_public_address_and_fresh_a_recent_confirmation() -> None:
    silent = service_record("No way in", at=None, phones=[], areas=["Bruxelles"])
    recent = service_record("Confirmed", at=LIEGE, assured_date="2026-06-01")
    old = service_record("Old", at=LIEGE, assured_date="2024-01-01")
    found = cells(silent, recent, old)
    brussels = cell(found, "housing", "BE-BRU")
    assert (brussels.active, brussels.reachable, brussels.fresh) == (1, 0, 0)
    assert brussels.level == "empty"
    liege = cell(found, "housing", "BE-WLG")
    assert (liege.active, liege.reachable, liege.fresh) == (2, 2, 1)
    assert liege.level == "covered"


def test_inactive_services_are_not_counted() -> None:
    found = cells(service_record("Closed", at=LIEGE, status="inactive"))
    assert cell(found, "housing", "BE-WLG").active == 0


def test_languages_are_counted_apart() -> None:
    found = cells(service_record("French", at=LIEGE, languages=["fr"]), languages=("fr", "nl"))
    assert cell(found, "housing", "BE-WLG", "fr").reachable == 1
    assert cell(found, "housing", "BE-WLG", "nl").reachable == 0
    assert cell(found, "housing", "BE-WLG", "").reachable == 1


def test_the_empty_and_thin_cells_come_first() -> None:
    found = cells(
        service_record("One", at=LIEGE),
        service_record("Two", at=LIEGE),
        service_record("Three", at=GHENT),
    )
    levels = [c.level for c in found]
    assert levels == sorted(levels, key=["empty", "thin", "covered"].index)
    assert found[-1] == cell(found, "housing", "BE-WLG")


def test_the_bundled_directory_shows_its_real_gaps() -> None:
    found = coverage(bundled.records(), today=TODAY, places=gazetteer(), languages=("nl",))
    rows = grid(found)
    assert set(rows) >= {"housing", "crisis_line", "exit_programme"}
    assert all(set(row) == set(PROVINCES) for row in rows.values())
    # every province has a helpline; Brussels has the most services
    assert all(rows["crisis_line"][p].reachable >= 1 for p in PROVINCES)
    assert rows["housing"]["BE-BRU"].active == max(r.active for r in rows["housing"].values())
    # nothing in the bundle is confirmed by its service yet: no cell is fresh
    assert not any(c.fresh for c in found)
    # French-speaking Wallonia has no shelter that states Dutch
    assert all(cell(found, "emergency_shelter", p, "nl").reachable == 0 for p in WALLOON)
