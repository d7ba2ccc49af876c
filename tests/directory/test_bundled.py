"""The bundled Belgian directory: complete, sourced, nothing invented, private where it must be."""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory import bundled
from directory.database import session_scope
from directory.importer import import_records
from directory.repository import has_services, service_records
from directory.taxonomy import GEO_TAXONOMY_ID, KNOWN
from tests.builders import service_record
from tests.conftest import row_counts
from tests.hsds_schemas import errors

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_bundled.py"
RESEARCH: dict[str, Any] = json.loads((bundled.SOURCE / "belgium_directory.json").read_text())
CURATION: dict[str, Any] = tomllib.loads((bundled.SOURCE / "curation.toml").read_text())
SOURCE_TEXT = "\n".join(
    (bundled.SOURCE / name).read_text(encoding="utf-8")
    for name in ("belgium_directory.json", "notes.md", "REPORT.md")
)
RECORDS = bundled.records()
GENDERS = {"audience.women", "audience.men", "audience.trans", "audience.nonbinary"}
WELCOME = {f"welcome.{word}" for word in ("undocumented", "asylum_seeker", "non_eu_permit")} | {
    "welcome.eu_citizen",
    "welcome.citizen",
}


def codes(record: dict[str, Any]) -> set[str]:
    return {item["taxonomy_term"]["code"] for item in record["attributes"]}


def locations(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for link in record["service_at_locations"]:
        yield link["location"]


def services_of(source_id: str) -> list[dict[str, Any]]:
    wanted = bundled.organization_id(source_id)
    return [record for record in RECORDS if record["organization_id"] == wanted]


def by_phone(number: str) -> list[dict[str, Any]]:
    return [r for r in RECORDS if any(p["number"] == number for p in r["phones"])]


def load(engine: Engine) -> int:
    with session_scope(engine) as session:
        return bundled.load_if_empty(session.connection())


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_bundled", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- completeness ------------------------------------------------------------------------------


def test_every_organisation_is_present_or_excluded_with_a_reason() -> None:
    present = {record["organization_id"] for record in RECORDS}
    excluded = CURATION.get("excluded", {})
    assert all(isinstance(reason, str) and reason.strip() for reason in excluded.values())
    for org in RESEARCH["organizations"]:
        assert org["id"] in excluded or bundled.organization_id(org["id"]) in present, org["id"]
    assert len(RESEARCH["organizations"]) == 46
    assert len(RECORDS) >= 46


def test_the_three_recognised_trafficking_centres_are_there() -> None:
    names = {"payoke": "Payoke", "pag_asa": "PAG-ASA", "surya": "Sürya"}
    assert {bundled.organization_id(key) for key in names} == bundled.RECOGNISED_TRAFFICKING_CENTRES
    for key, name in names.items():
        services = services_of(key)
        assert services, name
        assert all(s["organization"]["name"] == name for s in services)
        assert all("need.trafficking_support" in codes(s) for s in services)


def test_every_emergency_and_helpline_number_is_a_crisis_service_or_skipped() -> None:
    skipped = {line["number"] for line in CURATION["helplines"] if "skip" in line}
    assert skipped == {"0800/35 123"}, "only the Actiris jobseekers' line is not a crisis line"
    for line in RESEARCH["emergency_and_helplines"]:
        if line["number"] in skipped:
            continue
        (service,) = [s for s in by_phone(line["number"]) if "need.crisis_line" in codes(s)]
        assert "offers.remote" in codes(service), line["number"]
        assert service["service_areas"], line["number"]
    assert bundled.EMERGENCY_NUMBER == "112" and bundled.POLICE_NUMBER == "101"
    assert by_phone(bundled.EMERGENCY_NUMBER) and by_phone(bundled.POLICE_NUMBER)


def test_1712_says_what_it_is_and_where() -> None:
    (line,) = by_phone("1712")
    assert "not an emergency number" in line["description"]
    assert "Dutch-speaking" in line["description"]
    assert "Flanders and Brussels" in line["description"]
    assert [s["description"] for s in line["schedules"]] == [
        "weekdays 9:00-17:00 (per Violett page); call not shown on phone bill"
    ]
    assert [area["name"] for area in line["service_areas"]] == ["Vlaanderen", "Bruxelles"]
    assert [language["code"] for language in line["languages"]] == ["nl"]
    assert "offers.open_24_7" not in codes(line)


# --- nothing invented, everything sourced ------------------------------------------------------


def test_no_contact_detail_that_is_not_in_the_research() -> None:
    for record in RECORDS:
        phones = list(record["phones"])
        for location in locations(record):
            phones += location.get("phones", [])
            for address in location.get("addresses", []):
                for name in ("address_1", "postal_code", "city"):
                    assert address[name] in SOURCE_TEXT, (record["name"], address[name])
        for phone in phones:
            assert phone["number"] in SOURCE_TEXT, (record["name"], phone["number"])
            assert phone["description"].endswith("not confirmed")
        for email in (record.get("email"), record["organization"].get("email")):
            assert email is None or email in SOURCE_TEXT, (record["name"], email)
        for url in (record.get("url"), record["organization"].get("website")):
            assert url is None or url in SOURCE_TEXT, (record["name"], url)


def test_addresses_are_the_organisations_own() -> None:
    """Each address field comes from the street_address the file gives for that organisation."""
    street = {
        bundled.organization_id(o["id"]): o["street_address"] for o in RESEARCH["organizations"]
    }
    for record in RECORDS:
        for location in locations(record):
            for address in location.get("addresses", []):
                read = street[record["organization_id"]]
                assert read and address["address_1"] in read and address["city"] in read
                assert address["postal_code"] in read  # "" where the file gives none


def test_the_press_only_email_is_not_published() -> None:
    assert all("communicatie@payoke.be" not in json.dumps(s) for s in services_of("payoke"))


def test_every_service_names_its_sources() -> None:
    for record in RECORDS:
        sources = [m for m in record["metadata"] if m["last_action_type"] == "source"]
        assert sources, record["name"]
        for row in sources:
            assert row["field_name"] == "source_url" and row["updated_by"] == "curator"
            assert row["replacement_value"] in SOURCE_TEXT
            assert row["previous_value"] == "undated" or row["previous_value"] in SOURCE_TEXT


def test_unverified_and_undated_phones_say_so() -> None:
    (utsopi,) = services_of("utsopi")
    (phone,) = utsopi["phones"]
    assert phone["number"] == "0485 62 08 41"
    assert phone["description"].endswith("read on rainbowhouse.be (undated); not confirmed")
    (vdab,) = services_of("vdab")
    assert "read on hln.be (2020)" in vdab["phones"][0]["description"]


def test_caveats_reach_the_alert_and_nothing_is_verified() -> None:
    (utsopi,) = services_of("utsopi")
    assert "allegations" in utsopi["alert"]
    assert all("Leguit" in s["alert"] or "temporary" in s["alert"] for s in services_of("payoke"))
    assert all("assured_date" not in record for record in RECORDS)


def test_opening_hours_are_free_text_only() -> None:
    for record in RECORDS:
        for schedule in record["schedules"]:
            assert set(schedule) == {"id", "service_id", "description"}, record["name"]


# --- the mapping rules -------------------------------------------------------------------------


@pytest.mark.parametrize("org", RESEARCH["organizations"], ids=lambda org: org["id"])
def test_serves_undocumented_maps_to_welcome_codes(org: dict[str, Any]) -> None:
    expected = {True: WELCOME, False: WELCOME - {"welcome.undocumented"}, None: set()}
    for service in services_of(org["id"]):
        assert codes(service) & WELCOME == expected[org["serves_undocumented"]]
        assert ("offers.free" in codes(service)) == (org["free"] is True) or service[
            "name"
        ].startswith("Samusocial - 24/7"), "free only where the file says so (or toll-free)"


def test_only_actiris_requires_a_residence_permit() -> None:
    required = {r["name"] for r in RECORDS if "requires.residence_permit" in codes(r)}
    assert required == {"Actiris"}


def test_gender_audience_only_where_the_service_is_restricted() -> None:
    restricted = {r["name"]: codes(r) & GENDERS for r in RECORDS if codes(r) & GENDERS}
    assert restricted == {
        "Alias": {"audience.men", "audience.trans"},
        "Boysproject": {"audience.men", "audience.trans"},
        "Ex Aequo": {"audience.men", "audience.trans", "audience.nonbinary"},
        "Home Victor Du Pré (Œuvre de l'Hospitalité)": {"audience.women"},
        "Porte Ouverte (maison d'accueil pour femmes)": {"audience.women"},
        "L'Îlot - Circé (day centre for homeless women)": {"audience.women"},
        "BelRefugees - Sister's House (women only)": {"audience.women"},
    }


def test_legal_and_union_kinds_map_to_the_three_legal_needs() -> None:
    (utsopi,) = services_of("utsopi")
    assert {"need.peer_support", "need.legal_labour"} <= codes(utsopi)
    assert "need.legal_general" not in codes(utsopi)
    for key in ("point_dappui", "cire", "agii", "vluchtelingenwerk", "fedasil"):
        assert all("need.legal_migration" in codes(s) for s in services_of(key)), key
    (lawyers,) = services_of("progress_lawyers")
    assert {"need.legal_general", "need.legal_migration", "need.legal_labour"} <= codes(lawyers)
    (violett,) = services_of("violett")
    assert "need.legal_general" in codes(violett)
    assert not codes(violett) & {"need.legal_migration", "need.legal_labour"}


def test_remote_services_have_areas_and_no_place() -> None:
    for record in RECORDS:
        if "offers.remote" in codes(record):
            assert record["service_areas"] and not record["service_at_locations"], record["name"]
    areas = {area["name"] for r in RECORDS for area in r["service_areas"]}
    assert areas <= {"Belgium", "Vlaanderen", "Wallonie", "Bruxelles"}


def test_shelters_at_a_confidential_address_have_no_address() -> None:
    hidden = [r for r in RECORDS if "privacy.confidential_address" in codes(r)]
    assert {r["name"] for r in hidden} == {
        "PAG-ASA - shelter for victims of trafficking",
        "Sürya - shelter for victims of trafficking",
    }
    for record in hidden:
        assert all(not location.get("addresses") for location in locations(record))


def test_every_location_is_marked_approximate_in_the_geo_taxonomy() -> None:
    for record in RECORDS:
        for location in locations(record):
            (mark,) = location["attributes"]
            assert mark["taxonomy_term"]["code"] == "geo.approximate"
            assert mark["taxonomy_term"]["taxonomy_id"] == GEO_TAXONOMY_ID
            assert mark["value"] in {"postcode", "municipality"}
            assert -90 <= location["latitude"] <= 90 and 2.5 < location["longitude"] < 6.5


# --- the build ---------------------------------------------------------------------------------


def test_the_build_is_deterministic(tmp_path: Path) -> None:
    out = tmp_path / "belgium.json"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)], check=True, cwd=ROOT, capture_output=True
    )
    assert out.read_bytes() == bundled.BELGIUM.read_bytes(), "belgium.json is out of date"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text + "\n[organizations.not_in_the_file]\n", "not_in_the_file"),
        (
            lambda text: text.replace(
                "[organizations.isala]\n", "[organizations.isala]\nofers = {}\n"
            ),
            "unknown key(s) ofers",
        ),
        (lambda text: text.replace('"Ostend" = "Ostende"\n', ""), "'Ostend'"),
        (
            lambda text: text.replace(
                'kinds = ["trafficking_support", "legal", "health_mental"]',
                'kinds = ["trafficking_support", "legal"]',
            ),
            "pag_asa: kinds no service carries: ['health_mental']",
        ),
        (
            lambda text: text + '\n[[helplines]]\nnumber = "0800 00 000"\nskip = "x"\n',
            "0800 00 000",
        ),
        (lambda text: text + "\nbroken = [\n", "curation.toml"),
    ],
    ids=["unknown organisation", "typo", "unknown place", "dropped kind", "unknown line", "toml"],
)
def test_a_bad_curation_file_is_refused_with_a_clear_message(
    tmp_path: Path, edit: Any, message: str
) -> None:
    source = tmp_path / "source"
    shutil.copytree(bundled.SOURCE, source)
    curation = source / "curation.toml"
    curation.write_text(edit(curation.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "out.json"
    assert build_script().main(["--source", str(source), "--out", str(out)]) == 1
    assert not out.exists(), "nothing is written when the sources disagree"
    module = build_script()
    with pytest.raises(module.CurationError, match=re.escape(message)):
        module.build(source=source)


# --- in the database and through the API -------------------------------------------------------


def test_the_bundled_file_imports_cleanly(engine: Engine) -> None:
    # 112 and 101 are notices, not services: their records are left out on purpose
    published = [r for r in RECORDS if r["id"] not in bundled.EMERGENCY_NUMBER_RECORDS]
    assert load(engine) == len(published)
    with engine.connect() as connection:
        stored = service_records(connection, include_confidential=True)
    assert len(stored) == len(published)
    by_id = {record["id"]: record for record in stored}
    for record in published:
        assert codes(by_id[record["id"]]) == codes(record)
        for location in locations(by_id[record["id"]]):
            (mark,) = location["attributes"]
            assert mark["taxonomy_term_id"] == KNOWN["geo.approximate"].id


def test_load_if_empty_does_nothing_on_a_database_with_data(engine: Engine) -> None:
    with session_scope(engine) as session:
        import_records(session.connection(), [service_record("Already here")])
    before = row_counts(engine)
    assert load(engine) == 0
    assert row_counts(engine) == before


def test_load_if_empty_loads_once(engine: Engine) -> None:
    assert load(engine) == len(RECORDS) - len(bundled.EMERGENCY_NUMBER_RECORDS)
    with engine.connect() as connection:
        assert has_services(connection)
    after_first = row_counts(engine)
    assert load(engine) == 0
    assert row_counts(engine) == after_first


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
    assert full["total_items"] == len(RECORDS) - len(bundled.EMERGENCY_NUMBER_RECORDS)
    assert not hidden_locations & set(re.findall(r"[0-9a-f-]{36}", json.dumps(full)))
    links = client.get("/hsds/service_at_locations", params={"per_page": 100}).json()
    assert not hidden_locations & set(re.findall(r"[0-9a-f-]{36}", json.dumps(links)))


def test_the_geo_taxonomy_is_published(client: TestClient, engine: Engine) -> None:
    load(engine)
    geo = client.get(f"/hsds/taxonomies/{GEO_TAXONOMY_ID}").json()
    assert geo["name"] == "passerelle-geo"
    term = client.get(f"/hsds/taxonomy_terms/{KNOWN['geo.approximate'].id}").json()
    assert term["code"] == "geo.approximate"
