"""Build `directory/bundled/belgium.json` (HSDS 3.0 service records) from the research file.

    python scripts/build_bundled.py                      # rebuild belgium.json from source/
    python scripts/build_bundled.py --geo ../shared/data/geo   # also refresh coordinates.tsv
    python scripts/build_bundled.py --out /tmp/b.json    # write elsewhere (the test does this)

Writes two files: the service records (`belgium.json`) and the curators' research notes
(`research_notes.json`, beside it: the research file's caveats, never public text).

Reads only `directory/bundled/source/`: the research file and its notes (copies), the curator's
decisions (`curation.toml`) and the coordinates of the places used (`coordinates.tsv`, written
from the GeoNames/Statbel tables with `--geo`). The output depends on nothing else: same
sources, same bytes. The mapping rules are DESIGN.md's "Clarifications"; source/README.md lists
them with every judgement call. Never edit belgium.json by hand.
"""

import argparse
import csv
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pycountry

from directory.bundled import BELGIUM, RESEARCH_NOTES, SOURCE, organization_id
from directory.bundled.opening_hours import (
    MAX_SOURCE_AGE_YEARS,
    TIME_ZONE_NOTE,
    WeeklyHours,
    weekly_hours,
)
from directory.taxonomy import KNOWN, attribute_record, derived_id

RESEARCH = "belgium_directory.json"
ADDITIONS = "pass3_additions.json"
LOW_CONFIDENCE = "The research behind this entry has low confidence."
CURATION = "curation.toml"
COORDINATES = "coordinates.tsv"
COORDINATE_COLUMNS = ("kind", "key", "name", "region", "latitude", "longitude", "from")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

Json = dict[str, Any]

KIND_NEEDS: dict[str, tuple[str, ...]] = {
    "union_rights": ("peer_support", "legal_labour"),
    "legal": ("legal_general",),
}
"""The file's service kinds whose need codes differ from their names (DESIGN.md)."""


class CurationError(Exception):
    """The sources disagree with each other: fix curation.toml, never the output."""


SPEC_KEYS = frozenset(
    {
        "legal_migration",
        "legal_labour",
        "extra_needs",
        "drop_needs",
        "offers",
        "audience",
        "requires",
        "minimum_age",
        "maximum_age",
        "age_reason",
        "remote",
        "areas",
        "addresses",
        "omit_email",
        "languages",
        "places",
        "phones",
        "condition",
        "privacy",
        "sites",
        "phone_labels",
        "through",
        "email",
        "website",
        "confidential_address",
        "drop_audience",
    }
)
ORGANIZATION_KEYS = SPEC_KEYS | {"services"}
SERVICE_KEYS = SPEC_KEYS | {"key", "name", "summary", "kinds"}
HELPLINE_KEYS = frozenset(
    {"number", "organization", "service", "name", "scope", "url", "skip"}
    | {"extra_needs", "offers", "remote", "areas", "languages"}
)


def check_keys(where: str, table: Json, allowed: frozenset[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise CurationError(f"{where}: unknown key(s) {', '.join(unknown)}")


# --- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    kind: str  # "postcode" or "municipality"
    key: str
    name: str
    region: str
    latitude: float
    longitude: float


def read_coordinates(path: Path) -> dict[tuple[str, str], Place]:
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t")
        return {
            (row["kind"], row["key"]): Place(
                row["kind"],
                row["key"],
                row["name"],
                row["region"],
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in rows
        }


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def refresh_coordinates(geo: Path, wanted: Iterable[tuple[str, str]], into: Path) -> None:
    """Copy the centroids of the postcodes and municipalities used into coordinates.tsv."""
    postcodes = {row["postcode"]: row for row in _tsv(geo / "be_postcodes.tsv")}
    municipalities = {row["name_fr"]: row for row in _tsv(geo / "be_municipalities.tsv")}
    places = []
    for kind, key in sorted(set(wanted)):
        if kind == "postcode":
            row = postcodes[key]
            place = (kind, key, row["place"], row["region"], row["lat"], row["lon"])
            places.append((*place, "GeoNames postcode (be_postcodes.tsv)"))
        else:
            row = municipalities[key]
            first = row["postcodes"].split(",")[0]
            region = postcodes[first]["region"] if first in postcodes else ""
            place = (kind, key, row["name_fr"], region, row["lat"], row["lon"])
            places.append((*place, "Statbel municipality, GeoNames position"))
    with into.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter="\t", lineterminator="\n")
        writer.writerow(COORDINATE_COLUMNS)
        writer.writerows(places)


# --- small builders -----------------------------------------------------------------------------


def attribute(link_id: str, link_entity: str, code: str, value: str | None = None) -> Json:
    attribute_id = derived_id("attribute", link_id, code)
    return attribute_record(attribute_id, link_id, code, link_entity=link_entity, value=value)


def host(url: str) -> str:
    name = urlsplit(url).hostname or url
    return name.removeprefix("www.").rstrip(".")


def year_of(page_date: str | None) -> str:
    found = YEAR.search(page_date or "")
    return found.group(0) if found else "undated"


def split_urls(text: str) -> list[str]:
    return [url.strip() for url in text.split(";") if url.strip()]


def site_word(url: str) -> str:
    """The distinctive word of a page's site: "rainbowhouse" for rainbowhouse.be."""
    return host(url).rsplit(".", 1)[0].rsplit(".", 1)[-1].lower()


@dataclass(frozen=True, slots=True)
class Site:
    """One place of a service: the file's city word, the address read there (if any) and what
    curation.toml says of that site (`phones` read for it, a `note` quoted from the file)."""

    city: str
    address: Json | None
    curated: Json

    @property
    def key(self) -> tuple[str, ...]:
        """What the location id derives from: the city word (stable since the first bundle),
        plus the address's `site` word where one place has several addresses."""
        extra = self.address.get("site") if self.address else None
        return (self.city, extra) if extra else (self.city,)

    @property
    def phones(self) -> list[str]:
        found: list[str] = self.curated.get("phones", [])
        return found

    @property
    def notes(self) -> list[str]:
        found = [self.curated.get("note"), self.address.get("note") if self.address else None]
        return [note for note in found if note]


# --- one service, collected before it is written --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Schedule:
    text: str  # the file's words, always kept as the description
    hours: tuple[WeeklyHours, ...]  # empty: free text, no "open now"


@dataclass
class Draft:
    key: str  # "<organisation key>:<service key>"
    org: Json
    name: str
    description: str
    url: str | None = None
    codes: list[str] = field(default_factory=list)
    attribute_values: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (number, description)
    schedules: list[Schedule] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    locations: list[Json] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # url -> page date or "undated"
    notes: list[tuple[str, list[str]]] = field(default_factory=list)  # (caveat, its urls)
    minimum_age: int | None = None
    maximum_age: int | None = None

    @property
    def id(self) -> str:
        return derived_id("service", *self.key.split(":"))

    def add_codes(self, *codes: str) -> None:
        for code in codes:
            if code not in KNOWN:
                raise CurationError(f"{self.key}: unknown code {code}")
            if code not in self.codes:
                self.codes.append(code)

    def add_source(self, url: str, page_date: str | None) -> None:
        if url not in self.sources or self.sources[url] == "undated":
            self.sources[url] = page_date or "undated"

    def add_phone(self, number: str, description: str) -> None:
        if digits(number) not in {digits(known) for known, _ in self.phones}:
            self.phones.append((number, description))

    def add_schedule(self, schedule: Schedule) -> None:
        if schedule.text not in {known.text for known in self.schedules}:
            self.schedules.append(schedule)

    def add_note(self, text: str, urls: list[str]) -> None:
        if text not in {known for known, _ in self.notes}:
            self.notes.append((text, urls))

    def record(self, compiled_on: str) -> Json:
        sid = self.id
        order = list(KNOWN)
        codes = sorted(self.codes, key=order.index)
        record: Json = {
            "id": sid,
            "organization_id": self.org["id"],
            "organization": self.org,
            "name": self.name,
            "description": self.description,
            "status": "active",
        }
        if self.url:
            record["url"] = self.url
        if self.minimum_age is not None:
            record["minimum_age"] = self.minimum_age
        if self.maximum_age is not None:
            record["maximum_age"] = self.maximum_age
        record["languages"] = [
            {
                "id": derived_id("language", sid, code),
                "service_id": sid,
                "code": code,
                "name": language_name(code),
            }
            for code in self.languages
        ]
        record["phones"] = phone_rows(self.phones, "service_id", sid)
        record["schedules"] = self.schedule_rows()
        record["service_areas"] = [
            {
                "id": derived_id("service_area", sid, area),
                "service_id": sid,
                "name": area,
                "extent_type": "text",
                "extent": area,
            }
            for area in self.areas
        ]
        record["service_at_locations"] = [
            {
                "id": derived_id("service_at_location", sid, location["id"]),
                "service_id": sid,
                "location_id": location["id"],
                "location": location,
            }
            for location in self.locations
        ]
        record["attributes"] = [
            attribute(sid, "service", code, self.attribute_values.get(code)) for code in codes
        ]
        record["metadata"] = [
            {
                "id": derived_id("metadata", sid, url),
                "resource_id": sid,
                "resource_type": "service",
                "last_action_date": f"{compiled_on}T00:00:00Z",
                "last_action_type": "source",
                "field_name": "source_url",
                "previous_value": page_date,
                "replacement_value": url,
                "updated_by": "curator",
            }
            for url, page_date in self.sources.items()
        ]
        return record

    def schedule_rows(self) -> list[Json]:
        """One row per free text (as before: ids by position), one per weekly rule else."""
        sid = self.id
        rows: list[Json] = []
        for index, schedule in enumerate(self.schedules):
            if not schedule.hours:
                row_id = derived_id("schedule", sid, str(index))
                rows.append({"id": row_id, "service_id": sid, "description": schedule.text})
            for rule, hours in enumerate(schedule.hours):
                rows.append(
                    {
                        "id": derived_id("schedule", sid, str(index), str(rule)),
                        "service_id": sid,
                        "freq": "WEEKLY",
                        "byday": ",".join(hours.days),
                        "opens_at": hours.opens,
                        "closes_at": hours.closes,
                        "description": schedule.text,
                        "notes": TIME_ZONE_NOTE,
                    }
                )
        return rows

    def research_notes(self) -> list[Json]:
        return [
            {"service_id": self.id, "text": text, "source_urls": urls} for text, urls in self.notes
        ]


def phone_rows(phones: Iterable[tuple[str, str]], link: str, link_id: str) -> list[Json]:
    """HSDS phone rows of a service (`link` "service_id") or a location ("location_id")."""
    return [
        {
            "id": derived_id("phone", link_id, number),
            link: link_id,
            "number": number,
            "type": "voice",
            "description": description,
        }
        for number, description in phones
    ]


def language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        raise CurationError(f"{code!r} is not an ISO 639-1 language code")
    name: str = language.name
    return name


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


# --- the mapping ----------------------------------------------------------------------------------


@dataclass
class Builder:
    research: Json
    curation: Json
    additions: Json
    coordinates: dict[tuple[str, str], Place] | None  # None: only collect the places wanted
    wanted: set[tuple[str, str]] = field(default_factory=set)
    drafts: dict[str, Draft] = field(default_factory=dict)

    @property
    def compiled_on(self) -> str:
        value: str = self.research["compiled_on"]
        return value

    def organizations(self) -> Iterator[Json]:
        excluded = self.curation.get("excluded", {})
        for org in self.research["organizations"]:
            if org["id"] not in excluded:
                yield org

    def build(self) -> list[Json]:
        unknown = set(self.curation.get("organizations", {})) | set(
            self.curation.get("excluded", {})
        )
        unknown -= {org["id"] for org in self.research["organizations"]}
        if unknown:
            raise CurationError(f"curation.toml names unknown organisations: {sorted(unknown)}")
        for org in self.organizations():
            self.organization_services(org)
        for line in self.curation.get("helplines", []):
            self.helpline(line)
        return [draft.record(self.compiled_on) for draft in self.drafts.values()]

    def research_notes(self) -> list[Json]:
        """The caveats of every service, in the order of the services (call after `build`)."""
        return [note for draft in self.drafts.values() for note in draft.research_notes()]

    # organisations

    def org_object(self, org: Json) -> Json:
        curated = self.curation.get("organizations", {}).get(org["id"], {})
        item: Json = {
            "id": organization_id(org["id"]),
            "name": org["name"],
            "description": org["description"],
        }
        if org["name_other_languages"]:
            item["alternate_name"] = "; ".join(org["name_other_languages"])
        website = self.one_of(org, curated, "website")
        if website:
            item["website"] = website
        email = self.one_of(org, curated, "email")
        if email and "omit_email" not in curated:
            item["email"] = email
        return item

    def one_of(self, org: Json, curated: Json, name: str) -> str | None:
        """The file's e-mail or website, or the one address curation.toml picks from its text
        (where the file lists several with notes)."""
        value: str | None = org[name]
        if name not in curated:
            return value
        picked: str = curated[name]
        if not value or picked not in value:
            raise CurationError(f"{org['id']}: {name} {picked!r} is not in the file's {value!r}")
        return picked

    def organization_services(self, org: Json) -> None:
        curated: Json = self.curation.get("organizations", {}).get(org["id"], {})
        check_keys(f"organizations.{org['id']}", curated, ORGANIZATION_KEYS)
        defaults = {key: value for key, value in curated.items() if key != "services"}
        specs: list[Json] = curated.get("services") or [{"key": "main"}]
        covered: set[str] = set()
        for spec in specs:
            check_keys(f"organizations.{org['id']}.services", spec, SERVICE_KEYS)
            merged: Json = {**defaults, **spec}
            kinds: list[str] = merged["kinds"] if "kinds" in merged else org["service_kinds"]
            if not set(kinds) <= set(org["service_kinds"]):
                raise CurationError(f"{org['id']}/{spec['key']}: kinds not in the file: {kinds}")
            covered |= set(kinds)
            self.drafts[f"{org['id']}:{spec['key']}"] = self.service(org, merged, kinds)
        if covered != set(org["service_kinds"]):
            missing = sorted(set(org["service_kinds"]) - covered)
            raise CurationError(f"{org['id']}: kinds no service carries: {missing}")

    def service(self, org: Json, spec: Json, kinds: list[str]) -> Draft:
        split = "name" in spec
        description = org["description"]
        if split:
            description = f"{spec['summary']}\n\n{description}"
        if org["languages_note"]:
            description += f"\n\nLanguages: {org['languages_note']}"
        draft = Draft(
            key=f"{org['id']}:{spec['key']}",
            org=self.org_object(org),
            name=spec["name"] if split else org["name"],
            description=description,
            url=self.one_of(org, spec, "website"),
        )
        draft.add_codes(*self.needs(org, spec, kinds))
        draft.add_codes(f"approach.{org['approach']}")
        draft.add_codes(*welcome_codes(org["serves_undocumented"]))
        if org["free"] is True:
            draft.add_codes("offers.free")
        if org["anonymity"] is True:
            draft.add_codes("offers.anonymous")
        for group in ("offers", "audience", "requires", "condition", "privacy"):
            draft.add_codes(*(f"{group}.{word}" for word in spec.get(group, {})))
        for group in ("sex_workers", "migrants", "trafficking_victims", "minors"):
            if group in org["target_groups"] and group not in spec.get("drop_audience", {}):
                draft.add_codes(f"audience.{group}")
        if "confidential_address" in spec:
            draft.add_codes("privacy.confidential_address")
        draft.minimum_age = spec.get("minimum_age")
        draft.maximum_age = spec.get("maximum_age")
        draft.languages = list(org["languages"] or []) + [
            code for code in spec.get("languages", {}) if code not in (org["languages"] or [])
        ]
        for source in org["sources"]:
            for url in split_urls(source["url"]):
                draft.add_source(url, source["page_date"])
        self.place(draft, org, spec)
        self.service_phones(draft, org, spec)
        if org["opening_hours"]:
            draft.add_schedule(self.schedule(org["opening_hours"], self.hours_years(org)))
        for caveat in org["caveats"]:
            draft.add_note(caveat, self.caveat_urls(org, caveat))
        if org["confidence"] == "low":
            draft.add_note(LOW_CONFIDENCE, self.entry_urls(org))
        return draft

    def service_phones(self, draft: Draft, org: Json, spec: Json) -> None:
        """The phones not on a site go on the service: labelled as the organisation's central
        number when the service has several places, or as the line a site is reached through."""
        wanted = spec.get("phones")
        on_sites = {n for site in spec.get("sites", {}).values() for n in site.get("phones", [])}
        labels: dict[str, str] = spec.get("phone_labels", {})
        central = len(draft.locations) > 1
        for phone in org["phones"]:
            number = phone["number"]
            if number not in on_sites and wanted is not None and number not in wanted:
                continue
            draft.add_source(phone["source_url"], self.page_date(org, phone["source_url"]))
            if number not in on_sites:  # a site's own number is on its location only
                label = labels.get(number) or ("central number" if central else None)
                draft.add_phone(number, self.phone_description(org, phone, label))
        for line in spec.get("through", []):
            self.reached_through(draft, org, line)

    def reached_through(self, draft: Draft, org: Json, line: Json) -> None:
        """A line the entry's text says the service is reached through: another organisation's
        phone, with that organisation's source, labelled with what it is for here."""
        number = line["number"]
        if number not in json.dumps(org, ensure_ascii=False):
            raise CurationError(f"{draft.key}: {number} is not in the entry's text")
        other = self.entry(line["organization"])
        phones = [phone for phone in other["phones"] if phone["number"] == number]
        if not phones:
            raise CurationError(f"{draft.key}: {number} is not a phone of {other['id']}")
        draft.add_phone(number, self.phone_description(other, phones[0], line["label"]))
        draft.add_source(phones[0]["source_url"], self.page_date(other, phones[0]["source_url"]))

    def entry(self, source_id: str) -> Json:
        for org in self.research["organizations"]:
            if org["id"] == source_id:
                return org
        raise CurationError(f"no organisation {source_id!r} in the research file")

    def schedule(self, text: str, years: Iterable[int]) -> Schedule:
        """Structured weekly hours when the whole text is weekday-and-times and no source of it
        is more than three years older than the file; else the text alone."""
        compiled_year = int(self.compiled_on[:4])
        if any(compiled_year - year > MAX_SOURCE_AGE_YEARS for year in years):
            return Schedule(text, ())
        plain = frozenset(self.curation.get("hours", {}).get("plain_notes", {}))
        hours = weekly_hours(text, compiled_year=compiled_year, plain_notes=plain)
        return Schedule(text, tuple(hours or ()))

    def hours_years(self, org: Json) -> list[int]:
        """Years of the pages the third pass read the entry's hours on (none: undated)."""
        dates = {
            url: source["page_date"]
            for source in org["sources"]
            for url in split_urls(source["url"])
        }
        urls = [
            url
            for update in self.updates
            if update["id"] == org["id"] and update["field"] == "opening_hours"
            for url in split_urls(update["source_url"])
        ]
        return [int(year_of(dates.get(url))) for url in urls if year_of(dates.get(url)).isdigit()]

    @property
    def updates(self) -> list[Json]:
        found: list[Json] = self.additions.get("updates", [])
        return found

    def entry_urls(self, org: Json) -> list[str]:
        urls = [url for source in org["sources"] for url in split_urls(source["url"])]
        urls += [phone["source_url"] for phone in org["phones"]]
        return list(dict.fromkeys(urls))

    def caveat_urls(self, org: Json, caveat: str) -> list[str]:
        """The entry's sources a caveat names by their site, else all the entry's sources."""
        urls = self.entry_urls(org)
        named = [url for url in urls if site_word(url) in caveat.lower()]
        return named or urls

    def needs(self, org: Json, spec: Json, kinds: list[str]) -> list[str]:
        words: list[str] = []
        for kind in kinds:
            words.extend(KIND_NEEDS.get(kind, (kind,)))
            if kind == "legal":
                for extra in ("legal_migration", "legal_labour"):
                    if extra in spec:
                        words.append(extra)
        words.extend(spec.get("extra_needs", {}))
        dropped = spec.get("drop_needs", {})
        return [f"need.{word}" for word in words if word not in dropped]

    def page_date(self, org: Json, url: str) -> str | None:
        for source in org["sources"]:
            if source["url"] == url and source["page_date"]:
                page_date: str = source["page_date"]
                return page_date
        return None

    def phone_description(self, org: Json, phone: Json, label: str | None = None) -> str:
        parts = [label, phone["label"]] if label else [phone["label"]]
        if phone["hours"]:
            parts.append(f"hours: {phone['hours']}")
        url = phone["source_url"]
        parts.append(f"read on {host(url)} ({year_of(self.page_date(org, url))}); not confirmed")
        return "; ".join(parts)

    # places

    def place(self, draft: Draft, org: Json, spec: Json) -> None:
        region_words = self.curation["regions"]
        cities = [city for city in org["cities"] if city not in region_words]
        areas = [area for city in org["cities"] for area in region_words.get(city, [])]
        if "remote" in spec:
            draft.add_codes("offers.remote")
            cities = []
        draft.areas = list(dict.fromkeys(spec.get("areas", areas)))
        if "confidential_address" in spec:
            if not draft.areas:
                raise CurationError(f"{draft.key}: a confidential site needs its areas")
            for word in spec.get("places", org["cities"]):
                draft.locations.append(self.confidential_location(draft, word))
            return
        cities = spec.get("places", cities)
        addresses: list[Json] = spec.get("addresses", [])
        sites: dict[str, Json] = spec.get("sites", {})
        for city in [address["place"] for address in addresses] + list(sites):
            if city not in cities:
                raise CurationError(f"{draft.key}: site or address place {city} not among {cities}")
        for city in cities:
            for address in [a for a in addresses if a["place"] == city] or [None]:
                site = Site(city, address, sites.get(city, {}))
                draft.locations.append(self.location(draft, org, site))

    def confidential_location(self, draft: Draft, word: str) -> Json:
        """A site at a confidential address: no point, no address, no municipality named."""
        areas = ", ".join(draft.areas)
        return {
            "id": derived_id("location", draft.key, word),
            "location_type": "physical",
            "organization_id": draft.org["id"],
            "name": f"{draft.org['name']} (confidential address)",
            "description": f"Confidential address, not published and not placed: {areas}.",
        }

    def location(self, draft: Draft, org: Json, site: Site) -> Json:
        municipality = self.curation["places"].get(site.city)
        if municipality is None:
            raise CurationError(f"{draft.key}: no [places] entry for the file's city {site.city!r}")
        address = site.address
        postcode = address["postal_code"] if address else ""
        kind, key = ("postcode", postcode) if postcode else ("municipality", municipality)
        self.wanted.add((kind, key))
        # one location per service: the importer lets no address or attribute row be shared
        location_id = derived_id("location", draft.key, *site.key)
        org_name = draft.org["name"]
        location: Json = {
            "id": location_id,
            "location_type": "physical",
            "organization_id": draft.org["id"],
            "name": org_name,
        }
        if self.coordinates is not None:
            place = self.coordinates.get((kind, key))
            if place is None:
                raise CurationError(f"coordinates.tsv has no {kind} {key}: run with --geo")
            what = f"postcode {key}" if kind == "postcode" else "municipality"
            notes = [
                f"Approximate position: the centre of {what} {place.name}, not the street address.",
                *site.notes,
            ]
            location["description"] = " ".join(notes)
            location["name"] = f"{org_name}, {place.name}"
            location["latitude"] = place.latitude
            location["longitude"] = place.longitude
        if address:
            location["addresses"] = [
                {
                    "id": derived_id("address", location_id),
                    "location_id": location_id,
                    "address_1": address["address_1"],
                    "city": address["city"],
                    "state_province": "",
                    "postal_code": address["postal_code"],
                    "country": "BE",
                    "address_type": "physical",
                }
            ]
        phones = [self.site_phone(org, number) for number in site.phones]
        if phones:
            location["phones"] = phone_rows(phones, "location_id", location_id)
        location["attributes"] = [attribute(location_id, "location", "geo.approximate", kind)]
        return location

    def site_phone(self, org: Json, number: str) -> tuple[str, str]:
        for phone in org["phones"]:
            if phone["number"] == number:
                return number, self.phone_description(org, phone)
        raise CurationError(f"{org['id']}: site phone {number} is not among the file's phones")

    # emergency and helpline numbers

    def helpline(self, line: Json) -> None:
        source = next(
            (
                item
                for item in self.research["emergency_and_helplines"]
                if item["number"] == line["number"]
            ),
            None,
        )
        if source is None:
            raise CurationError(f"helpline {line['number']} is not in the research file")
        check_keys(f"helplines {line['number']}", line, HELPLINE_KEYS)
        if "skip" in line:
            return
        organization = line["organization"]
        if isinstance(organization, str):
            draft_key = f"{organization}:{line.get('service', 'main')}"
            if draft_key not in self.drafts:
                raise CurationError(f"helpline {line['number']}: no service {draft_key}")
            draft = self.drafts[draft_key]
        else:
            draft = self.new_helpline_service(line, source, organization)
        draft.add_codes("need.crisis_line", "offers.remote")
        draft.add_codes(*(f"need.{word}" for word in line.get("extra_needs", {})))
        draft.add_codes(*(f"offers.{word}" for word in line.get("offers", {})))
        for code in line.get("languages", {}):
            if code not in draft.languages:
                draft.languages.append(code)
        if "areas" in line:
            draft.areas = list(dict.fromkeys([*draft.areas, *line["areas"]]))
        urls = split_urls(source["source_url"])
        dates = {url: self.any_page_date(url) for url in urls}
        description = f"{source['purpose']}; read on {host(urls[0])} ({year_of(dates[urls[0]])})"
        draft.add_phone(source["number"], f"{description}; not confirmed")
        if source.get("hours"):
            years = [int(year_of(d)) for d in dates.values() if year_of(d).isdigit()]
            draft.add_schedule(self.schedule(source["hours"], years))
        for url in urls:
            draft.add_source(url, dates[url])
        if source.get("confidence"):
            note = f"Helpline {source['number']}: confidence {source['confidence']}."
            draft.add_note(note, urls)

    def any_page_date(self, url: str) -> str | None:
        for org in self.research["organizations"]:
            found = self.page_date(org, url)
            if found:
                return found
        return None

    def new_helpline_service(self, line: Json, source: Json, organization: Json) -> Draft:
        key = organization["key"]
        description = source["purpose"]
        if line.get("scope"):
            description += f"\n\nScope: {line['scope']}"
        draft = Draft(
            key=f"{key}:line",
            org={
                "id": organization_id(key),
                "name": organization["name"],
                "description": source["purpose"],
            },
            name=line["name"],
            description=description,
            url=line.get("url"),
        )
        draft.areas = list(line.get("areas", []))
        self.drafts[draft.key] = draft
        return draft


def welcome_codes(serves_undocumented: bool | None) -> list[str]:
    """DESIGN.md: true -> all five `welcome.` codes, false -> all but undocumented, null -> none."""
    if serves_undocumented is None:
        return []
    everyone = ["welcome.undocumented", "welcome.asylum_seeker", "welcome.non_eu_permit"]
    everyone += ["welcome.eu_citizen", "welcome.citizen"]
    return everyone if serves_undocumented else everyone[1:]


@dataclass(frozen=True, slots=True)
class Bundle:
    records: bytes  # belgium.json
    research_notes: bytes  # research_notes.json


def build(*, source: Path = SOURCE, geo: Path | None = None) -> Bundle:
    """The bytes of belgium.json and research_notes.json built from the `source` folder."""
    research = json.loads((source / RESEARCH).read_text(encoding="utf-8"))
    additions = json.loads((source / ADDITIONS).read_text(encoding="utf-8"))
    try:
        curation = tomllib.loads((source / CURATION).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CurationError(f"{CURATION}: {error}") from None
    if geo is not None:
        probe = Builder(research, curation, additions, coordinates=None)
        probe.build()
        refresh_coordinates(geo, probe.wanted, source / COORDINATES)
    builder = Builder(
        research, curation, additions, coordinates=read_coordinates(source / COORDINATES)
    )
    records = builder.build()
    return Bundle(as_json(records), as_json(builder.research_notes()))


def as_json(items: list[Json]) -> bytes:
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BELGIUM, help="where to write the records")
    parser.add_argument(
        "--notes", type=Path, help="where to write the research notes (default: beside --out)"
    )
    parser.add_argument("--source", type=Path, default=SOURCE, help="folder of the sources")
    parser.add_argument(
        "--geo", type=Path, help="folder of be_postcodes.tsv, be_municipalities.tsv"
    )
    arguments = parser.parse_args(argv)
    try:
        output = build(source=arguments.source, geo=arguments.geo)
    except CurationError as error:
        print(f"build_bundled: {error}", file=sys.stderr)
        return 1
    notes = arguments.notes or arguments.out.parent / RESEARCH_NOTES.name
    arguments.out.write_bytes(output.records)
    notes.write_bytes(output.research_notes)
    print(f"wrote {len(json.loads(output.records))} services to {arguments.out}")
    print(f"wrote {len(json.loads(output.research_notes))} research notes to {notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
