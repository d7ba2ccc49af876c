"""Accessibility asked for: only locations whose data says no are left out; what is not stated
is a caution naming it; what is stated yes is a reason."""

from directory.hsds.accessibility import with_answers
from matcher.listing import listing_from_record
from tests.builders import accessible, at_locations, location
from tests.matcher.persons import codes, in_brussels, index_of, names, search, service


def _features(messages: object, code: str) -> list[str]:
    found = [str(m.params["features"]) for m in messages if m.code == code]  # type: ignore[attr-defined]
    return found[0].split(",") if found else []


def test_a_location_whose_data_says_no_is_left_out_and_others_are_kept() -> None:
    index = index_of(
        [
            accessible(service("Steps"), step_free=False),
            accessible(service("Ramp"), step_free=True),
            service("Unknown"),
        ]
    )
    found = search(index, in_brussels(needs=("housing",), accessibility=("step_free",)))
    assert sorted(names(found)) == ["Ramp", "Unknown"]
    by_name = {result.listing.name: result for result in found.results}
    assert _features(by_name["Ramp"].reasons, "accessible") == ["step_free"]
    assert "accessibility_not_stated" not in codes(by_name["Ramp"].cautions)
    assert _features(by_name["Unknown"].cautions, "accessibility_not_stated") == ["step_free"]


def test_the_caution_names_only_what_is_not_stated() -> None:
    index = index_of([accessible(service("Part"), step_free=True, quiet_room=False)])
    asked = ("step_free", "sign_language", "public_transport")
    found = search(index, in_brussels(accessibility=asked, needs=("housing",)))
    (result,) = found.results
    assert _features(result.cautions, "accessibility_not_stated") == [
        "sign_language",
        "public_transport",
    ]
    assert _features(result.reasons, "accessible") == ["step_free"]


def test_a_no_to_something_not_asked_for_excludes_nothing() -> None:
    index = index_of([accessible(service("No quiet room"), quiet_room=False)])
    found = search(index, in_brussels(accessibility=("step_free",), needs=("housing",)))
    assert names(found) == ["No quiet room"]


def test_nothing_asked_says_nothing_of_accessibility() -> None:
    index = index_of([accessible(service("Ramp"), step_free=True), service("Unknown")])
    found = search(index, in_brussels(needs=("housing",)))
    for result in found.results:
        assert "accessible" not in codes(result.reasons)
        assert "accessibility_not_stated" not in codes(result.cautions)


def test_each_location_is_judged_on_its_own_data() -> None:
    steps = with_answers(
        location(name="Steps", latitude=50.85, longitude=4.35), {"step_free": False}
    )
    ramp = with_answers(location(name="Ramp", latitude=50.80, longitude=4.30), {"step_free": True})
    record = at_locations(service("Two sites"), [steps, ramp])
    found = search(index_of([record]), in_brussels(accessibility=("step_free",)))
    (result,) = found.results
    assert result.site is not None and result.site.name == "Ramp"


def test_a_remote_service_is_kept_without_accessibility_words() -> None:
    index = index_of([service("Line", "need.crisis_line", "offers.remote", at=None)])
    found = search(index, in_brussels(accessibility=("step_free",), needs=("crisis_line",)))
    (result,) = found.results
    assert "accessibility_not_stated" not in codes(result.cautions)


def test_an_index_changed_in_place_reads_the_new_answers() -> None:
    record = accessible(service("Ramp"), step_free=True)
    index = index_of([record, service("Other")])
    changed = accessible(record, step_free=False)
    updated = index.with_changes({record["id"]: listing_from_record(changed)})
    assert updated is not None
    person = in_brussels(needs=("housing",), accessibility=("step_free",))
    assert names(search(updated, person)) == ["Other"]
    assert sorted(names(search(index, person))) == ["Other", "Ramp"]
