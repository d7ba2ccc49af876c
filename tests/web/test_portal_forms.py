"""The partner's service form without HTTP: what it shows of a record, and the record a posted
form asks for (nothing changes when nothing was changed; a part not sent stays as it is)."""

from typing import Any

from starlette.datastructures import FormData, UploadFile

from directory.hsds import merge_patch
from directory.taxonomy import code_of
from tests.builders import service_record
from web import portal_forms as forms


def _posted(values: forms.Values, **changes: Any) -> FormData:
    items: list[tuple[str, str | UploadFile]] = []
    for name, value in {**values, **changes}.items():
        if isinstance(value, list):
            items.extend((name, item) for item in value)
        elif value is not None:
            items.append((name, value))
    items += [("languages-shown", "1"), ("attributes-shown", "1")]
    return FormData(items)


def test_the_form_as_shown_and_sent_back_changes_nothing() -> None:
    record = service_record("Form shelter", codes=("need.housing", "welcome.undocumented"))
    record["schedules"] = [
        {"id": "s1", "freq": "WEEKLY", "byday": "MO,TU", "opens_at": "09:00", "closes_at": "12:00"},
        {"id": "s2", "freq": "WEEKLY", "byday": "MO", "opens_at": "14:00", "closes_at": "17:00"},
    ]
    values = forms.form_values(record)
    assert values["needs"] == ["need.housing"] and values["welcome"] == ["welcome.undocumented"]
    assert values["hours-MO-opens"] == "09:00" and values["hours-SU-opens"] == ""
    proposed, problems = forms.proposed_record(record, _posted(values))
    assert not problems
    assert merge_patch.derive(record, proposed) == {}  # two ranges on Monday stay as they were


def test_hours_per_weekday_become_one_schedule_per_range() -> None:
    record = service_record("Form shelter")
    values = forms.form_values(record)
    typed = {f"hours-{day}-opens": "9:00" for day in ("MO", "TU", "WE", "TH", "FR")}
    typed |= {f"hours-{day}-closes": "17h00" for day in ("MO", "TU", "WE", "TH", "FR")}
    proposed, problems = forms.proposed_record(
        record, _posted(values, **typed, **{"hours-SA-opens": "10:00", "hours-SA-closes": "12:00"})
    )
    assert not problems
    rows = {
        (s["byday"], s["opens_at"], s["closes_at"], s["description"]) for s in proposed["schedules"]
    }
    assert rows == {
        ("MO,TU,WE,TH,FR", "09:00", "17:00", "Mo-Fr 09:00-17:00"),
        ("SA", "10:00", "12:00", "Sa 10:00-12:00"),
    }
    assert all(s["notes"] == "Times are Europe/Brussels local time." for s in proposed["schedules"])


def test_unticking_removes_a_code_and_ticking_adds_it_once() -> None:
    record = service_record("Form shelter", codes=("need.housing", "offers.free"))
    values = forms.form_values(record)
    proposed, problems = forms.proposed_record(
        record,
        _posted(values, needs=["need.health_general"], offers=["offers.free", "offers.free"]),
    )
    assert not problems
    codes = [code_of(a) for a in proposed["attributes"]]
    assert "need.housing" not in codes and codes.count("offers.free") == 1
    assert "need.health_general" in codes


def test_a_part_of_the_form_not_sent_stays_as_it_is() -> None:
    record = service_record("Form shelter", languages=("fr", "nl"))
    proposed, problems = forms.proposed_record(record, FormData([("name", "Renamed")]))
    assert not problems
    assert merge_patch.derive(record, proposed) == {"name": "Renamed"}


def test_weekdays_are_written_like_the_research_file() -> None:
    assert forms.days_text(["MO", "TU", "WE", "TH", "FR"]) == "Mo-Fr"
    assert forms.days_text(["SA", "MO", "TU"]) == "Mo,Tu,Sa"
    assert forms.days_text(["FR", "SA", "SU", "WE", "TH"]) == "We-Su"
    assert forms.days_text(["WE", "FR", "SA", "SU"]) == "We,Fr-Su"


def test_the_languages_offered_include_the_records_own_in_the_pages_language() -> None:
    choices = dict(forms.language_choices({"languages": ["wa"]}, lambda code: f"[{code}]"))
    assert choices["wa"] == "[wa]" and "ro" in choices and "ti" in choices
