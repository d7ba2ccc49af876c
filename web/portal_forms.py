"""The partner's service form: what it shows of a record, and the record a posted form asks for.

The form is made of sections (`SECTIONS`), each a pair of functions: `show` gives the form's
values for a record, `read` writes what the posted form says into the proposed record and names
every problem beside its field (`Problems`). Locations have sections of their own
(`LOCATION_SECTIONS`), read once per location. Another section is one more pair in a tuple.

A section leaves the record untouched where the posted form shows what the record already says,
so that a field the form cannot show exactly (two opening ranges on one day) stays as it is
until someone changes it.
"""

import copy
import uuid
from collections.abc import Callable

from directory.hsds.tree import Record
from directory.limits import text_limit, web_address
from directory.taxonomy import (
    attribute_record,
    code_of,
    derived_id,
)
from web.portal_form_hours import days_text, read_hours, show_hours
from web.portal_form_parts import (
    GROUPS,
    LANGUAGE_CODE,
    LANGUAGES,
    MAX_AGE,
    STATUSES,
    WEEKDAYS,
    Posted,
    Problems,
    Section,
    Values,
    check_limit,
    posted_text,
    posted_values,
    read_phones,
    set_rows,
)
from web.portal_form_places import (
    location_prefix,
    read_locations,
    show_locations,
    shown_location_count,
)

# --- name, description, contact, status, languages ------------------------------------------------

BASIC_FIELDS = ("name", "description", "url", "email")

__all__ = [
    "GROUPS",
    "STATUSES",
    "Problems",
    "Values",
    "days_text",
    "form_values",
    "language_choices",
    "location_prefix",
    "posted_values",
    "proposed_record",
    "shown_location_count",
]


def show_basics(record: Record) -> Values:
    values: Values = {name: record.get(name) or "" for name in BASIC_FIELDS}
    values["status"] = record.get("status") or "active"
    values["phones"] = "\n".join(str(p.get("number", "")) for p in record.get("phones") or [])
    return values


def read_basics(record: Record, posted: Posted, problems: Problems) -> None:
    sent = set(posted.keys())
    for name in BASIC_FIELDS:
        if name not in sent:
            continue
        value = posted_text(posted, name)
        check_limit(problems, name, value, text_limit(name))
        if name == "url" and value and web_address(value) is None:
            problems.add(name, "web_address")
        if name == "name" and not value:
            problems.add(name, "required")
        if value:
            record[name] = value
        else:
            record.pop(name, None)
    status = posted_text(posted, "status") or str(record.get("status") or "")
    if status not in STATUSES:
        problems.add("status", "not_offered")
    else:
        record["status"] = status
    set_rows(
        record,
        "phones",
        read_phones(
            record.get("phones") or [],
            posted,
            "phones",
            problems,
            owner=("service_id", record["id"]),
        ),
    )


def show_languages(record: Record) -> Values:
    return {"languages": [str(item.get("code")) for item in record.get("languages") or []]}


def read_languages(record: Record, posted: Posted, problems: Problems) -> None:
    wanted = list(dict.fromkeys(str(code) for code in posted.getlist("languages")))
    if any(not LANGUAGE_CODE.fullmatch(code) for code in wanted):
        problems.add("languages", "not_offered")
        return
    current = record.get("languages") or []
    if wanted == [item.get("code") for item in current]:
        return
    by_code = {item.get("code"): item for item in current}
    record["languages"] = [
        by_code.get(code) or {"id": str(uuid.uuid4()), "service_id": record["id"], "code": code}
        for code in wanted
    ]


def show_attributes(record: Record) -> Values:
    codes = {code_of(a) for a in record.get("attributes") or []}
    values: Values = {group: [c for c in known if c in codes] for group, known in GROUPS.items()}
    for name in ("minimum_age", "maximum_age"):
        age = record.get(name)
        values[name] = "" if age is None else str(age)
    return values


def read_attributes(record: Record, posted: Posted, problems: Problems) -> None:
    attributes = list(record.get("attributes") or [])
    for group, known in GROUPS.items():
        wanted = set(posted.getlist(group))
        if not wanted <= set(known):
            problems.add(group, "not_offered")
            continue
        present = {code_of(a) for a in attributes}
        attributes = [a for a in attributes if code_of(a) not in known or code_of(a) in wanted]
        attributes.extend(
            attribute_record(derived_id("attribute", record["id"], code), record["id"], code)
            for code in known
            if code in wanted and code not in present
        )
    set_rows(record, "attributes", attributes)
    ages = {name: _age(posted, name, problems) for name in ("minimum_age", "maximum_age")}
    youngest, oldest = ages["minimum_age"], ages["maximum_age"]
    if youngest is not None and oldest is not None and youngest > oldest:
        problems.add("maximum_age", "ages_reversed")
    for name, age in ages.items():
        if age is None:
            record.pop(name, None)
        else:
            record[name] = age


def _age(posted: Posted, name: str, problems: Problems) -> int | None:
    text = posted_text(posted, name)
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_AGE:
        problems.add(name, "not_an_age")
        return None
    return int(text)


SECTIONS: tuple[Section, ...] = (
    Section(show_basics, read_basics, marker="name"),
    Section(show_languages, read_languages, marker="languages-shown"),
    Section(show_attributes, read_attributes, marker="attributes-shown"),
    Section(show_hours, read_hours, marker=f"hours-{WEEKDAYS[0]}-opens"),
    Section(show_locations, read_locations, marker="locations"),
)


def form_values(record: Record) -> Values:
    """What the service form shows for `record`."""
    values: Values = {}
    for section in SECTIONS:
        values.update(section.show(record))
    return values


def proposed_record(record: Record, posted: Posted) -> tuple[Record, Problems]:
    """The record the posted form asks for, and every problem of the form, by field."""
    proposed = copy.deepcopy(dict(record))
    problems = Problems()
    sent = set(posted.keys())
    for section in SECTIONS:
        if section.marker in sent:
            section.read(proposed, posted, problems)
    return proposed, problems


def language_choices(values: Values, name: Callable[[str], str]) -> list[tuple[str, str]]:
    """The languages to tick: the list offered, plus any the record already has."""
    chosen = [str(code) for code in values.get("languages", [])]
    codes = list(dict.fromkeys([*LANGUAGES, *chosen]))
    return sorted(((code, name(code)) for code in codes), key=lambda item: item[1].casefold())
