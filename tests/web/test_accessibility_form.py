"""The partner edit form's accessibility fields: what they show, and the merge-patch fragment
read from what was sent (bad fields named, nothing changed)."""

import pytest

from directory.errors import RecordInvalid
from directory.hsds import merge_patch
from directory.hsds.accessibility import answers
from directory.hsds.validation import record_issues
from tests.builders import accessible, at_locations, location, service_record
from web.accessibility_form import accessibility_patch, field_name, fieldsets
from web.rendering import render


def _record() -> dict:  # type: ignore[type-arg]
    return accessible(service_record("Ramp"), step_free=True, quiet_room=False)


def _location_id(record: dict) -> str:  # type: ignore[type-arg]
    return str(record["service_at_locations"][0]["location"]["id"])


def test_the_fields_show_what_each_location_says() -> None:
    record = _record()
    (place,) = fieldsets(record)
    values = {field.word: field.value for field in place.fields}
    assert values == {
        "step_free": "yes",
        "accessible_toilet": "",
        "sign_language": "",
        "quiet_room": "no",
        "public_transport": "",
    }
    assert place.fields[0].name == field_name(_location_id(record), "step_free")


def test_the_template_renders_a_fieldset_per_location_with_three_choices() -> None:
    record = at_locations(
        service_record("Two"),
        [
            location(name="North", latitude=50.9, longitude=4.4),
            location(name="South", latitude=50.8, longitude=4.3),
        ],
    )
    html = render("portal/_accessibility_fields.html", lang="fr", domain="portal",
                  access_fields=fieldsets(record))  # fmt: skip
    assert html.count('class="access-location"') == 2
    assert "North" in html and "South" in html
    assert "Accès sans marches" in html
    assert html.count('type="radio"') == 2 * 5 * 3
    assert html.count('value="" checked') == 2 * 5, "nothing stated: 'not stated' is chosen"


def test_a_changed_answer_gives_the_locations_with_only_that_changed() -> None:
    record = _record()
    location_id = _location_id(record)
    form = {
        field_name(location_id, "step_free"): "yes",
        field_name(location_id, "quiet_room"): "",
        field_name(location_id, "sign_language"): "no",
        "name": "Ramp",
    }
    patch = accessibility_patch(record, form)
    changed = merge_patch.apply(record, patch)
    assert answers(changed["service_at_locations"][0]["location"]) == {
        "step_free": True,
        "sign_language": False,
    }
    assert record_issues(changed) == []
    before = record["service_at_locations"][0]["location"]
    after = changed["service_at_locations"][0]["location"]
    assert {k: v for k, v in after.items() if k != "accessibility"} == {
        k: v for k, v in before.items() if k != "accessibility"
    }


def test_the_same_answers_or_no_fields_give_no_change() -> None:
    record = _record()
    location_id = _location_id(record)
    same = {
        field_name(location_id, "step_free"): "yes",
        field_name(location_id, "quiet_room"): "no",
    }
    assert accessibility_patch(record, same) == {}
    assert accessibility_patch(record, {"name": "Ramp"}) == {}


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("{location}-step_free", "maybe", "must be 'yes', 'no' or empty"),
        ("{location}-lift", "yes", "not a field of this form"),
        ("00000000-0000-0000-0000-000000000000-step_free", "yes", "not a field of this form"),
    ],
)
def test_a_field_that_cannot_be_used_is_named(name: str, value: str, words: str) -> None:
    record = _record()
    field = "access-" + name.format(location=_location_id(record))
    with pytest.raises(RecordInvalid) as raised:
        accessibility_patch(record, {field: value})
    (error,) = raised.value.errors
    assert error.field == field and words in error.message
