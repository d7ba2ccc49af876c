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
from sqlalchemy.engine import Engine

from directory import bundled
from directory.database import session_scope
from directory.hsds.importer import import_records
from directory.hsds.repository import has_services, service_records
from directory.taxonomy import GEO_TAXONOMY_ID, KNOWN
from tests.builders import service_record
from tests.conftest import row_counts
from tests.test_cli import passerelle

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
    assert len(RESEARCH["organizations"]) == 67  # 46 + the third pass's 21
    assert len(RECORDS) >= 67


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
    # 112 and 101 are facts of law, shown as notices; Actiris's is a jobseekers' line
    assert skipped == {"0800/35 123", "112", "101"}
    for line in RESEARCH["emergency_and_helplines"]:
        if line["number"] in skipped:
            continue
        (service,) = [s for s in by_phone(line["number"]) if "need.crisis_line" in codes(s)]
        assert "offers.remote" in codes(service), line["number"]
        assert service["service_areas"], line["number"]
    assert bundled.EMERGENCY_NUMBER == "112" and bundled.POLICE_NUMBER == "101"


def test_112_and_101_are_notices_not_services() -> None:
    assert not by_phone(bundled.EMERGENCY_NUMBER) and not by_phone(bundled.POLICE_NUMBER)
    names = " ".join(record["name"] for record in RECORDS)
    assert "112" not in names and "101 -" not in names


@pytest.mark.parametrize(
    "number", ["1712", "106", "107", "102", "103", "1813", "0800 32 123", "078 15 10 20"]
)
def test_helplines_stay_crisis_services(number: str) -> None:
    (line,) = [s for s in by_phone(number) if "need.crisis_line" in codes(s)]
    assert {"need.crisis_line", "offers.remote"} <= codes(line), line["name"]


def test_1712_says_what_it_is_and_where() -> None:
    (line,) = [s for s in by_phone("1712") if "need.crisis_line" in codes(s)]
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


def all_phones(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [*record["phones"], *(p for loc in locations(record) for p in loc.get("phones", []))]


ENTRIES = {bundled.organization_id(org["id"]): org for org in RESEARCH["organizations"]}


def entry_text(record: dict[str, Any]) -> str:
    """What the research file says about the record's organisation (its entry, or the helpline
    lines it runs)."""
    entry = ENTRIES.get(record["organization_id"])
    numbers = {phone["number"] for phone in record["phones"]}
    lines = [line for line in RESEARCH["emergency_and_helplines"] if line["number"] in numbers]
    return json.dumps([entry, lines], ensure_ascii=False)


def test_every_phone_is_read_in_the_research_for_that_organisation() -> None:
    for record in RECORDS:
        for phone in all_phones(record):
            assert phone["number"] in entry_text(record), (record["name"], phone["number"])


def test_every_phone_says_where_it_was_read_and_that_it_is_not_confirmed() -> None:
    described = re.compile(r"read on [a-z0-9.-]+\.[a-z]+ \((?:\d{4}|undated)\); not confirmed$")
    phones = [phone for record in RECORDS for phone in all_phones(record)]
    assert len(phones) > 40
    for phone in phones:
        assert described.search(phone["description"]), phone


def test_addresses_are_the_organisations_own() -> None:
    """Each address field comes from what the file gives for that organisation: its
    street_address, or the per-site addresses of its address_note (the CPVS centres)."""
    street = {
        bundled.organization_id(o["id"]): f"{o['street_address']} {o['address_note']}"
        for o in RESEARCH["organizations"]
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


NOTES = bundled.research_notes()


def test_caveats_are_research_notes_never_public_text() -> None:
    assert all("alert" not in record for record in RECORDS)
    published = json.dumps(RECORDS, ensure_ascii=False)
    assert "allegations" not in published and "safeguarding" not in published
    for org in RESEARCH["organizations"]:
        for service in services_of(org["id"]):
            noted = [n["text"] for n in NOTES if n["service_id"] == service["id"]]
            assert [c for c in org["caveats"] if c not in noted] == [], service["name"]
    (utsopi,) = services_of("utsopi")
    (allegations,) = [n for n in NOTES if n["service_id"] == utsopi["id"] and "pan.be" in n["text"]]
    sources = ENTRIES[utsopi["organization_id"]]["sources"]
    assert allegations["source_urls"] == [s["url"] for s in sources if "pan.be" in s["url"]]
    assert all("assured_date" not in record for record in RECORDS)


def test_research_notes_name_bundled_services_and_their_sources() -> None:
    by_id = {record["id"]: record for record in RECORDS}
    assert NOTES and all(set(note) == {"service_id", "text", "source_urls"} for note in NOTES)
    for note in NOTES:
        record = by_id[note["service_id"]]
        urls = {row["replacement_value"] for row in record["metadata"]}
        assert note["text"].strip() and note["source_urls"], note
        assert set(note["source_urls"]) <= urls, note
    helpline = [n for n in NOTES if n["text"].startswith("Helpline 078/055.800")]
    assert len(helpline) == 1, "the line's confidence is a note, not public text"


# --- the mapping rules -------------------------------------------------------------------------


@pytest.mark.parametrize("org", RESEARCH["organizations"], ids=lambda org: org["id"])
def test_serves_undocumented_maps_to_welcome_codes(org: dict[str, Any]) -> None:
    expected = {True: WELCOME, False: WELCOME - {"welcome.undocumented"}, None: set()}
    for service in services_of(org["id"]):
        assert codes(service) & WELCOME == expected[org["serves_undocumented"]]
        assert ("offers.free" in codes(service)) == (org["free"] is True) or service[
            "name"
        ].startswith("Samusocial - 24/7"), "free only where the file says so (or toll-free)"


def test_only_actiris_and_vdab_require_a_residence_permit() -> None:
    required = {r["name"] for r in RECORDS if "requires.residence_permit" in codes(r)}
    assert required == {"Actiris", "VDAB"}


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
        "CVFE - Collectif contre les violences familiales et l'exclusion": {"audience.women"},
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


def test_shelters_at_a_confidential_address_have_no_address_point_or_town() -> None:
    hidden = {r["name"]: r for r in RECORDS if "privacy.confidential_address" in codes(r)}
    assert set(hidden) == {
        "PAG-ASA - shelter for victims of trafficking",
        "Sürya - shelter for victims of trafficking",
        "Esperanto (Espéranto)",
        "CVFE - Collectif contre les violences familiales et l'exclusion",
        "CAW vluchthuizen (Flemish women's / family-violence shelters)",
    }
    for name, record in hidden.items():
        areas = ", ".join(area["name"] for area in record["service_areas"])
        assert areas, name
        (site,) = locations(record)
        assert not site.get("addresses") and "latitude" not in site and "longitude" not in site
        assert site["name"] == f"{record['organization']['name']} (confidential address)"
        # the region it serves, never the municipality where it is
        expected = f"Confidential address, not published and not placed: {areas}."
        assert site["description"] == expected
    served = {name: [a["name"] for a in r["service_areas"]] for name, r in hidden.items()}
    assert served["PAG-ASA - shelter for victims of trafficking"] == ["Bruxelles"]
    assert served["Sürya - shelter for victims of trafficking"] == ["Wallonie"]


@pytest.mark.parametrize(
    ("source_id", "through"),
    [("pag_asa", "02/511 64 64"), ("caw_vluchthuizen", "1712"), ("croix_rouge_bxl", "0800 99 340")],
)
def test_a_site_reached_through_another_line_shows_that_line_so_labelled(
    source_id: str, through: str
) -> None:
    (record,) = [s for s in services_of(source_id) if "emergency_shelter" in json.dumps(s)][:1]
    (phone,) = [p for p in record["phones"] if p["number"] == through]
    assert "reached through" in phone["description"]


def test_every_location_is_marked_approximate_in_the_geo_taxonomy() -> None:
    for record in RECORDS:
        if "privacy.confidential_address" in codes(record):
            continue  # no point at all (the test above)
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
    notes = tmp_path / "research_notes.json"
    assert notes.read_bytes() == bundled.RESEARCH_NOTES.read_bytes(), "research notes out of date"


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
        (
            lambda text: text.replace('phones = ["071/92.41.00"]', 'phones = ["071/00.00.00"]'),
            "cpvs: site phone 071/00.00.00 is not among the file's phones",
        ),
        (
            lambda text: text.replace('"Genk" = { note = "ZOL Genk" }', '"Arlon" = { note = "x" }'),
            "site or address place Arlon not among",
        ),
        (
            lambda text: text.replace(
                'through = [{ organization = "dienst_voogdij", number = "078 15 43 24", '
                'label = "access',
                'through = [{ organization = "child_focus", number = "116 000", label = "access',
            ),
            "minor_ndako:main: 116 000 is not in the entry's text",
        ),
        (
            lambda text: text.replace(
                'areas = ["Wallonie"]\n\n[organizations.caw', "\n[organizations.caw"
            ),
            "cvfe_liege:main: a confidential site needs its areas",
        ),
        (
            lambda text: text.replace('email = "admin@payoke.be"', 'email = "info@payoke.be"'),
            "payoke: email 'info@payoke.be' is not in the file's",
        ),
    ],
    ids=[
        "unknown organisation",
        "typo",
        "unknown place",
        "dropped kind",
        "unknown line",
        "toml",
        "site phone not read",
        "site not a place",
        "line not in the entry",
        "confidential without areas",
        "email not read",
    ],
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
            if location.get("latitude") is None:
                assert "privacy.confidential_address" in codes(record)
                continue
            (mark,) = location["attributes"]
            assert mark["taxonomy_term_id"] == KNOWN["geo.approximate"].id


def test_load_if_empty_does_nothing_on_a_database_with_data(engine: Engine) -> None:
    with session_scope(engine) as session:
        import_records(session.connection(), [service_record("Already here")])
    before = row_counts(engine)
    assert load(engine) == 0
    assert row_counts(engine) == before


def test_load_if_empty_loads_once(engine: Engine) -> None:
    assert load(engine) == len(RECORDS)
    with engine.connect() as connection:
        assert has_services(connection)
    after_first = row_counts(engine)
    assert load(engine) == 0
    assert row_counts(engine) == after_first


# --- branches are locations --------------------------------------------------------------------


def sites(source_id: str) -> dict[str, dict[str, Any]]:
    """The locations of an organisation's only service, by the town they are placed in."""
    (record,) = services_of(source_id)
    return {location["name"].split(", ")[-1]: location for location in locations(record)}


def site_numbers(location: dict[str, Any]) -> list[str]:
    return [phone["number"] for phone in location.get("phones", [])]


def test_each_cpvs_centre_is_a_location_with_its_own_phone_or_none() -> None:
    centres = sites("cpvs")
    assert set(centres) == {
        "Bruxelles",
        "Gand",
        "Liège",
        "Charleroi",  # fmt: skip
        "Namur",
        "Edegem",
        "Louvain",
        "Genk",
        "Roulers",
    }, "Antwerp's centre is the one in Edegem; the planned Arlon centre is not listed"
    assert site_numbers(centres["Bruxelles"]) == ["02 535 45 42"]
    assert site_numbers(centres["Liège"]) == ["04 284 35 11"]
    assert site_numbers(centres["Gand"]) == ["09 332 80 80"]
    assert site_numbers(centres["Charleroi"]) == ["071/92.41.00"]
    for town in ("Namur", "Edegem", "Louvain", "Genk", "Roulers"):
        assert site_numbers(centres[town]) == [], f"{town} has no number of its own"
    (cpvs,) = services_of("cpvs")
    assert cpvs["phones"] == [], "no centre's number stands for the others"
    assert "Charleroi" not in json.dumps(centres["Louvain"])
    assert [a["address_1"] for a in centres["Namur"]["addresses"]] == ["Avenue Albert 1er 143"]
    labels = {
        town: site["phones"][0]["description"]
        for town, site in centres.items()
        if site.get("phones")
    }
    assert labels["Charleroi"].startswith("CPVS Charleroi")


def test_payoke_keeps_both_addresses_and_says_which_is_in_doubt() -> None:
    (support,) = [s for s in services_of("payoke") if "support" in s["name"]]
    found = {
        location["addresses"][0]["address_1"]: location["description"]
        for location in locations(support)
    }
    assert set(found) == {"Leguit 4", "Italiëlei 98A"}
    assert all("check which is current" in description for description in found.values())
    (phone,) = support["phones"]
    assert phone["number"] == "03 201 16 90"
    assert phone["description"].startswith("central number")


@pytest.mark.parametrize(
    ("source_id", "towns"),
    [
        (
            "espace_p",
            {"Bruxelles", "Liège", "Seraing", "Namur", "Charleroi", "Mons", "Tournai", "Arlon"},
        ),
        ("violett", {"Anvers", "Gand", "Hasselt"}),
    ],
)
def test_every_office_is_a_location(source_id: str, towns: set[str]) -> None:
    offices = sites(source_id)
    assert set(offices) == towns
    assert all(not site_numbers(office) for office in offices.values()), "none was read"


# --- safety facts as codes ----------------------------------------------------------------------


def organisations_with(code: str) -> set[str]:
    found = {ENTRIES[r["organization_id"]]["id"] for r in RECORDS if code in codes(r)}
    for source_id in found:
        assert all(code in codes(s) for s in services_of(source_id)), (code, source_id)
    return found


@pytest.mark.parametrize(
    ("code", "organisations"),
    [
        (
            "privacy.may_share_with_authorities",
            {"fedasil", "stopmensenhandel", "child_focus", "dienst_voogdij", "caw_vluchthuizen"},
        ),
        ("requires.asylum_application", {"fedasil"}),
        ("condition.justice_cooperation_for_status", {"payoke", "pag_asa", "surya"}),
        ("requires.professional_referral", {"esperanto", "minor_ndako"}),
        ("requires.residence_in_area", {"forem", "actiris", "medimmigrant"}),
        ("approach.exit_focused", {"isala"}),
    ],
)
def test_each_safety_code_is_on_exactly_the_services_a_source_names(
    code: str, organisations: set[str]
) -> None:
    assert organisations_with(code) == organisations


def test_residents_only_services_have_their_area_and_its_quote() -> None:
    expected = {"forem": ["Wallonie"], "actiris": ["Bruxelles"], "medimmigrant": ["Bruxelles"]}
    for source_id, area in expected.items():
        (record,) = services_of(source_id)
        assert [a["name"] for a in record["service_areas"]] == area
        quote = CURATION["organizations"][source_id]["requires"]["residence_in_area"]
        first_words = re.split(r" \.\.\. |;| \(", quote)[0]
        assert first_words in SOURCE_TEXT, quote
    (vdab,) = services_of("vdab")
    assert "requires.residence_in_area" not in codes(vdab)


def test_age_scopes() -> None:
    (child_focus,) = services_of("child_focus")
    assert child_focus["maximum_age"] == 17
    (boys,) = services_of("boysproject")
    assert boys["minimum_age"] == 18
    (line_103,) = services_of("ecoute_enfants_103")
    assert "maximum_age" not in line_103, "103 also takes adults worried about a child"
    assert "audience.minors" in codes(line_103)
    for source_id in ("zelfmoordlijn_1813", "cps_0800_32123"):
        (line,) = services_of(source_id)
        assert "audience.minors" not in codes(line), "a line for everyone is not a youth line"


NEW_CODES = (
    "privacy.may_share_with_authorities",
    "requires.asylum_application",
    "condition.justice_cooperation_for_status",
    "requires.professional_referral",
    "requires.residence_in_area",
    "approach.exit_focused",
)


def test_every_code_survives_export_then_import(database_url: str, tmp_path: Path) -> None:
    """`passerelle import` of the bundle, `export`, `import` of that export, `export` again:
    every service keeps its codes, the new safety codes among them, on both backends."""
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    for step in (
        ("import", str(bundled.BELGIUM)),
        ("export", str(first), "--include-confidential"),
        ("import", str(first)),
        ("export", str(second), "--include-confidential"),
    ):
        done = passerelle(database_url, *step)
        assert done.returncode == 0, (step, done.stderr)
    round_tripped = {r["id"]: codes(r) for r in json.loads(second.read_text(encoding="utf-8"))}
    assert round_tripped == {record["id"]: codes(record) for record in RECORDS}
    for code in NEW_CODES:
        assert any(code in found for found in round_tripped.values()), code


# --- what the README says -----------------------------------------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_table(heading: str) -> dict[str, str]:
    """The two-column table under a README heading: first cell -> second cell."""
    section = README.split(f"\n{heading}\n", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| ")]
    return {left.strip(): right.strip() for left, right in rows[1:]}


def test_the_readme_figures_are_the_bundle_s() -> None:
    table = readme_table("### The bundled directory")
    found = bundled.figures(RECORDS)
    assert {name: int(value) for name, value in table.items()} == {
        "all": found.services,
        "with a phone": found.with_phone,
        "with a street address": found.with_address,
        'with opening hours as weekly schedules ("open now" works)': found.with_structured_hours,
        "confirmed by the service itself": found.confirmed_by_the_service,
    }
    assert found.confirmed_by_the_service == 0
    assert f"{len(RESEARCH['organizations'])} organisations" in README


def test_the_readme_lists_every_taxonomy_code_by_prefix() -> None:
    listed = {
        f"{prefix.strip('`')}{word.strip('`')}"
        for prefix, words in readme_table("### Taxonomy codes").items()
        for word in words.split()
    }
    assert listed == {code for code, term in KNOWN.items() if term.taxonomy == "passerelle"}
