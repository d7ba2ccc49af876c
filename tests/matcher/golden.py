"""Match answers for ~40 varied persons on the bundled directory (plus a few fictional services
with the codes the bundle lacks), computed without a server or a database: the ranking's
ids, scores, distances, reasons and cautions (codes and parameters; notices are left out).

`python -m tests.matcher.golden` rewrites `golden.json` (only when a change of behaviour is
meant); `test_golden.py` asserts the answers are unchanged.
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from directory.bundled import RECOGNISED_TRAFFICKING_CENTRES
from directory.places.gazetteer import gazetteer
from matcher.index import Index, build_index
from matcher.listing import listing_from_record
from matcher.messages import Message
from matcher.person import Person
from matcher.rank import Ranking, rank
from tests.builders import service_record

ROOT = Path(__file__).parent.parent.parent
BUNDLE = ROOT / "directory" / "bundled" / "belgium.json"
GOLDEN = Path(__file__).parent / "golden.json"
NOW = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)
LOCAL = ZoneInfo("Europe/Brussels")
AFTERNOON = datetime(2026, 11, 24, 14, 30, tzinfo=LOCAL)
NIGHT = datetime(2026, 11, 28, 3, 0, tzinfo=LOCAL)


def _fictional() -> list[dict[str, Any]]:
    """Services with the codes, ages and beds the bundled directory does not have."""
    fresh = NOW.isoformat()
    beds = service_record(
        "Golden night shelter",
        id="golden-beds",
        codes=("need.emergency_shelter", "welcome.undocumented", "offers.free"),
        at=(50.84, 4.36),
    )
    beds["attributes"].append(
        {
            **beds["attributes"][0],
            "id": "golden-beds-capacity",
            "taxonomy_term": {"code": "capacity.beds_available"},
            "value": "4",
            "metadata": [{"last_action_date": fresh}],
        }
    )
    return [
        service_record(
            "Golden exit programme",
            id="golden-exit",
            codes=("need.exit_programme", "need.housing", "condition.exit_commitment_required"),
            at=(50.85, 4.35),
        ),
        service_record(
            "Golden complaint shelter",
            id="golden-police",
            codes=(
                "need.emergency_shelter",
                "condition.police_complaint_required",
                "requires.id_document",
                "requires.health_insurance",
                "welcome.citizen",
            ),
            at=(51.05, 3.72),
        ),
        service_record(
            "Golden youth clinic",
            id="golden-youth",
            codes=("need.health_sexual", "audience.minors", "offers.anonymous"),
            at=(50.63, 5.57),
            minimum_age=12,
            maximum_age=25,
        ),
        service_record(
            "Golden women's house",
            id="golden-women",
            codes=("need.housing", "audience.women", "approach.rights_based"),
            at=(51.22, 4.40),
            assured_date="2024-01-10",
        ),
        beds,
    ]


def golden_index() -> Index:
    records = json.loads(BUNDLE.read_text(encoding="utf-8")) + _fictional()
    return build_index(
        [listing_from_record(record) for record in records],
        recognised=RECOGNISED_TRAFFICKING_CENTRES,
    )


def _at(name: str, **fields: Any) -> Person:
    places = gazetteer()
    place = places.resolve(name)
    assert place is not None, name
    return Person(
        latitude=float(place.latitude),
        longitude=float(place.longitude),
        in_area=lambda area: places.area_covers(area, place),
        **fields,
    )


PERSONS: dict[str, Any] = {
    "no_input": lambda: Person(),
    "a_antwerp_ro_undocumented": lambda: _at(
        "Antwerpen",
        languages=("ro",),
        status="undocumented",
        goal="stay_safer",
        needs=("health_sexual", "legal_migration"),
    ),
    "b_brussels_controlled_exit": lambda: _at(
        "Bruxelles",
        languages=("en",),
        status="undocumented",
        goal="exit",
        needs=("emergency_shelter", "housing"),
        controlled_by_someone=True,
    ),
    "b1_brussels_bg_peers": lambda: _at(
        "Brussels", languages=("bg",), goal="stay_safer", needs=("peer_support", "health_sexual")
    ),
    "c_liege_trans_asylum": lambda: _at(
        "Liège",
        languages=("fr", "es"),
        status="asylum_seeker",
        goal="undecided",
        needs=("housing", "peer_support"),
        gender="trans",
    ),
    "e_charleroi_citizen_exit": lambda: _at(
        "Charleroi", status="citizen", goal="exit", needs=("training", "employment")
    ),
    "gent_controlled_health": lambda: _at(
        "Gent", needs=("health_sexual",), controlled_by_someone=True, reads="en"
    ),
    "brussels_danger_night": lambda: _at("Bruxelles", in_danger_now=True, now=NIGHT, reads="fr"),
    "brussels_danger_shelter_day": lambda: _at(
        "Bruxelles", in_danger_now=True, needs=("emergency_shelter",), now=AFTERNOON
    ),
    "minor_15_liege": lambda: _at("Liège", age=15, needs=("violence_support",)),
    "minor_16_brussels_shelter": lambda: _at(
        "Bruxelles", age=16, status="undocumented", needs=("emergency_shelter", "housing")
    ),
    "minor_13_no_place": lambda: Person(age=13, needs=("health_mental",)),
    "adult_19_men_brussels": lambda: _at(
        "Bruxelles", age=19, gender="man", needs=("health_sexual", "peer_support")
    ),
    "woman_housing_brussels": lambda: _at(
        "Bruxelles", gender="woman", needs=("housing", "emergency_shelter")
    ),
    "nonbinary_gent": lambda: _at("Gent", gender="nonbinary", needs=("health_sexual",)),
    "non_eu_permit_work_antwerp": lambda: _at(
        "Antwerpen", status="non_eu_permit", needs=("employment", "training")
    ),
    "undocumented_work_brussels": lambda: _at(
        "Bruxelles", status="undocumented", needs=("employment", "legal_labour")
    ),
    "asylum_legal_no_place": lambda: Person(status="asylum_seeker", needs=("legal_migration",)),
    "eu_citizen_namur_health": lambda: _at(
        "Namur", status="eu_citizen", needs=("health_general", "financial")
    ),
    "unknown_status_legal": lambda: _at("Liège", status="unknown", needs=("legal_migration",)),
    "residents_actiris_from_gent": lambda: _at("Gent", needs=("employment",)),
    "residents_forem_from_brussels": lambda: _at(
        "Bruxelles", needs=("employment", "training"), limit=20
    ),
    "medimmigrant_from_liege": lambda: _at("Liège", needs=("health_general", "legal_migration")),
    "anonymous_only_drugs": lambda: _at(
        "Bruxelles", anonymous_only=True, needs=("harm_reduction",)
    ),
    "free_only_mental": lambda: _at("Antwerpen", free_only=True, needs=("health_mental",)),
    "free_anonymous_no_need": lambda: _at("Namur", free_only=True, anonymous_only=True),
    "stay_safer_exit_service": lambda: _at(
        "Bruxelles", goal="stay_safer", needs=("exit_programme", "housing")
    ),
    "undecided_exit_service": lambda: _at("Bruxelles", goal="undecided", needs=("exit_programme",)),
    "exit_goal_exit_service": lambda: _at("Bruxelles", goal="exit", needs=("exit_programme",)),
    "near_only_5km": lambda: _at("Bruxelles", max_distance_km=5.0, needs=("basic_needs",)),
    "near_only_30km_hasselt": lambda: _at(
        "Hasselt", max_distance_km=30.0, needs=("legal_general",)
    ),
    "arlon_far_away": lambda: _at("Arlon", needs=("health_sexual", "emergency_shelter")),
    "brugge_nl_languages": lambda: _at(
        "Brugge", languages=("nl", "en"), needs=("health_mental", "violence_support")
    ),
    "text_name_typed": lambda: _at("Bruxelles", text="Espace P"),
    "text_description_words": lambda: _at("Bruxelles", text="douche et vêtements pour femmes"),
    "text_no_papers": lambda: _at("Bruxelles", text="je suis sans papiers et je dors dans la rue"),
    "text_no_papers_with_status": lambda: _at(
        "Bruxelles", status="citizen", text="zonder papieren, geen slaapplaats"
    ),
    "text_trafficking_words": lambda: Person(text="my pimp takes my passport", reads="en"),
    "limit_3_many_needs": lambda: _at(
        "Liège",
        limit=3,
        needs=("health_sexual", "legal_general", "housing", "financial", "administration"),
    ),
    "limit_50_everything": lambda: Person(limit=50),
    "fresh_beds_shelter": lambda: _at(
        "Bruxelles", status="undocumented", needs=("emergency_shelter",), now=AFTERNOON
    ),
    "police_condition_gent": lambda: _at("Gent", status="citizen", needs=("emergency_shelter",)),
    "youth_clinic_age_20": lambda: _at("Liège", age=20, needs=("health_sexual",)),
    "youth_clinic_age_30": lambda: _at("Liège", age=30, needs=("health_sexual",)),
    "controlled_minor_no_place": lambda: Person(
        age=16, controlled_by_someone=True, in_danger_now=True, now=NIGHT
    ),
}


def _message(item: Message) -> list[Any]:
    return [item.code, dict(item.params)]


def answer(ranking: Ranking) -> dict[str, Any]:
    """What a match answer says, but its notices."""
    return {
        "results": [
            {
                "id": result.listing.id,
                "site": None if result.site is None else result.site.name,
                "distance_km": None if result.distance_km is None else round(result.distance_km, 6),
                "score": result.score,
                "matched_needs": list(result.matched_needs),
                "reasons": [_message(m) for m in result.reasons],
                "cautions": [_message(m) for m in result.cautions],
                "phones": [[p.number, p.confirmed, p.label] for p in result.phones],
            }
            for result in ranking.results
        ],
        "unmet_needs": list(ranking.unmet_needs),
        "total": ranking.total,
    }


def _beds(record: dict[str, Any], beds: int) -> dict[str, Any]:
    record["attributes"].append(
        {
            **record["attributes"][0],
            "id": f"{record['id']}-capacity",
            "taxonomy_term": {"code": "capacity.beds_available"},
            "value": str(beds),
            "metadata": [{"last_action_date": NOW.isoformat()}],
        }
    )
    return record


def rare_index() -> Index:
    """Fictional services only, for the words the bundled directory never gives (an asylum
    application asked of an undocumented person, no beds, an old record, no way to reach)."""
    records = [
        service_record("Rare reception", id="rare-asylum", codes=("need.housing",
            "requires.asylum_application")),
        _beds(service_record("Rare full shelter", id="rare-full",
            codes=("need.emergency_shelter",)), 0),
        service_record("Rare old record", id="rare-old", codes=("need.housing",),
            assured_date="2023-06-01"),
        service_record("Rare outreach", id="rare-outreach", codes=("need.health_sexual",
            "offers.outreach"), phones=(), at=None),
        service_record("Rare referral", id="rare-referral", codes=("need.housing",
            "requires.professional_referral"), phones=(), at=None),
        service_record("Rare unreachable", id="rare-none", phones=(), at=None),
        service_record("Rare house", id="rare-house", assured_date="2026-10-01"),
    ]  # fmt: skip
    return build_index([listing_from_record(record) for record in records])


RARE_PERSONS: dict[str, Any] = {
    "rare_undocumented_in_brussels": lambda: _at(
        "Bruxelles", status="undocumented", needs=("housing", "emergency_shelter")
    ),
    "rare_no_status_no_place": lambda: Person(
        needs=("housing", "emergency_shelter", "health_sexual"), limit=20
    ),
    "rare_asylum_seeker": lambda: _at("Bruxelles", status="asylum_seeker", needs=("housing",)),
}


def answers() -> dict[str, Any]:
    index, rare = golden_index(), rare_index()
    found = {name: answer(rank(index, make(), now=NOW)) for name, make in PERSONS.items()}
    found |= {name: answer(rank(rare, make(), now=NOW)) for name, make in RARE_PERSONS.items()}
    return found


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(answers(), indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {GOLDEN.relative_to(ROOT)}\n")
