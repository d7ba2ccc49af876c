"""Honest reasons and cautions that matter: stances only from the data, cautions ranked by what
they mean, services a person cannot use or reach ranked below their peers, never dropped."""

from typing import Any

import pytest

from matcher.person import Person
from tests.builders import at_locations, location, new_id, with_phone
from tests.matcher.persons import (
    BRUSSELS,
    LIEGE,
    codes,
    in_brussels,
    index_of,
    names,
    search,
    service,
    to_check,
)

STANCE_REASONS = {"stance_exit", "stance_rights_based"}


def _first(name: str, person: Person, *records: dict[str, Any]) -> Any:
    (result,) = [r for r in search(index_of(records), person).results if r.listing.name == name]
    return result


@pytest.mark.parametrize("goal", ["stay_safer", "undecided"])
def test_an_exit_focused_service_carries_its_stance_as_a_caution(goal: str) -> None:
    result = _first(
        "Abolitionist",
        in_brussels(goal=goal),
        service("Abolitionist", "need.health_sexual", "approach.exit_focused"),
    )
    assert "stance_exit_focused" in codes(result.cautions)
    assert not STANCE_REASONS & set(codes(result.reasons))


def test_the_exit_stance_is_a_reason_for_exit_from_the_approach_or_an_exit_programme() -> None:
    for codes_ in (("need.housing", "approach.exit_focused"), ("need.exit_programme",)):
        result = _first("Exit", in_brussels(goal="exit"), service("Exit", *codes_))
        assert "stance_exit" in codes(result.reasons)
        assert "stance_exit_focused" not in codes(result.cautions)


def test_needs_never_give_a_stance_reason() -> None:
    """The old overclaim: housing or training 'helps people who want to leave sex work'."""
    for goal in ("exit", "stay_safer", "undecided"):
        result = _first(
            "Housing",
            in_brussels(goal=goal),
            service("Housing", "need.housing", "need.training", "need.health_sexual"),
        )
        assert not STANCE_REASONS & set(codes(result.reasons))


def test_rights_based_is_a_stance_only_on_a_service_for_sex_workers() -> None:
    for_workers = service(
        "Workers", "need.peer_support", "approach.rights_based", "audience.sex_workers"
    )
    general = service("General", "need.peer_support", "approach.rights_based")
    found = search(index_of([for_workers, general]), in_brussels(goal="undecided"))
    by_name = {r.listing.name: codes(r.reasons) for r in found.results}
    assert "stance_rights_based" in by_name["Workers"]
    assert not STANCE_REASONS & set(by_name["General"])


@pytest.mark.parametrize("status", [None, "unknown", "undocumented", "asylum_seeker"])
def test_authority_sharing_is_the_first_caution_for_people_it_matters_most_to(
    status: str | None,
) -> None:
    record = service(
        "Agency",
        "need.housing",
        "privacy.may_share_with_authorities",
        "requires.appointment",
        "condition.police_complaint_required",
    )
    result = _first("Agency", in_brussels(status=status), record)
    assert codes(result.cautions)[0] == "may_share_with_authorities"


def test_authority_sharing_is_still_said_to_a_citizen() -> None:
    record = service(
        "Agency",
        "need.housing",
        "privacy.may_share_with_authorities",
        "condition.police_complaint_required",
    )
    result = _first("Agency", in_brussels(status="citizen"), record)
    assert codes(result.cautions)[0] == "police_complaint_required"
    assert "may_share_with_authorities" in codes(result.cautions)


def test_authority_sharing_lowers_the_rank_only_for_an_undocumented_person() -> None:
    sharing = service(
        "Sharing", "need.housing", "privacy.may_share_with_authorities", at=(50.8467, 4.3525)
    )
    other = service("Other", "need.housing", at=(50.87, 4.38))
    index = index_of([sharing, other])
    assert names(search(index, in_brussels(status="undocumented", needs=("housing",)))) == [
        "Other",
        "Sharing",
    ]
    assert names(search(index, in_brussels(status="asylum_seeker", needs=("housing",)))) == [
        "Sharing",
        "Other",
    ]


def test_authority_sharing_never_lowers_a_helpline_or_child_protection_for_a_minor() -> None:
    line = service(
        "Line",
        "need.crisis_line",
        "need.violence_support",
        "privacy.may_share_with_authorities",
        at=(50.8467, 4.3525),
    )
    youth = service(
        "Youth",
        "need.violence_support",
        "audience.minors",
        "privacy.may_share_with_authorities",
        at=(50.8467, 4.3526),
    )
    other = service("Other", "need.violence_support", at=(50.87, 4.38))
    index = index_of([line, youth, other])
    minor = in_brussels(status="undocumented", age=16, needs=("violence_support",))
    assert names(search(index, minor))[-1] == "Other"
    adult = in_brussels(status="undocumented", age=30, needs=("violence_support",))
    assert names(search(index, adult)) == ["Line", "Other", "Youth"]


def test_a_safe_house_that_also_takes_minors_is_still_lowered_for_an_undocumented_minor() -> None:
    house = service(
        "House",
        "need.housing",
        "audience.minors",
        "privacy.may_share_with_authorities",
        at=BRUSSELS,
    )
    other = service("Other", "need.housing", at=(50.87, 4.38))
    minor = in_brussels(status="undocumented", age=16, needs=("housing",))
    assert names(search(index_of([house, other]), minor)) == ["Other", "House"]


def test_justice_cooperation_is_said_plainly() -> None:
    record = service(
        "Centre", "need.trafficking_support", "condition.justice_cooperation_for_status"
    )
    assert "justice_cooperation_for_status" in codes(
        _first("Centre", in_brussels(), record).cautions
    )


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("undocumented", "asylum_application_undocumented"),
        ("asylum_seeker", "asylum_application"),
        (None, "asylum_application"),
    ],
)
def test_reception_for_asylum_applicants_says_how_it_starts(status: str | None, code: str) -> None:
    record = service("Reception", "need.housing", "requires.asylum_application")
    cautions = codes(_first("Reception", in_brussels(status=status), record).cautions)
    assert code in cautions
    assert {"asylum_application", "asylum_application_undocumented"} & set(cautions) == {code}


def test_for_victims_of_trafficking_unless_someone_controls_the_person() -> None:
    record = service("Shelter", "need.housing", "audience.trafficking_victims")
    assert "for_trafficking_victims" in codes(_first("Shelter", in_brussels(), record).cautions)
    controlled = in_brussels(controlled_by_someone=True)
    assert "for_trafficking_victims" not in codes(_first("Shelter", controlled, record).cautions)


def test_only_accommodation_for_victims_says_it_is_for_victims() -> None:
    """DESIGN: only the centres' shelters and reception, Esperanto and Minor-Ndako."""
    lawyers = service("Lawyers", "need.legal_migration", "audience.trafficking_victims")
    assert "for_trafficking_victims" not in codes(
        _first("Lawyers", in_brussels(), lawyers).cautions
    )


def test_the_generic_cautions_are_one_line() -> None:
    record = service("Unknown", "need.housing")
    record["phones"][0]["description"] = "read on example.org (2021); not confirmed"
    result = _first("Unknown", in_brussels(), record)
    assert codes(result.cautions).count("to_check") == 1
    assert to_check(result.cautions) == ["listing", "eligibility", "phone"]
    assert codes(result.cautions)[-1] == "to_check"


def _outside_wallonia(**fields: Any) -> Person:
    return Person(
        latitude=BRUSSELS[0],
        longitude=BRUSSELS[1],
        in_area=lambda area: area != "Wallonie",
        **fields,
    )


def test_a_residents_only_service_ranks_below_its_peers_outside_its_area_never_dropped() -> None:
    regional = service(
        "Regional", "need.employment", "requires.residence_in_area", areas=["Wallonie"], at=BRUSSELS
    )
    far = service("Far", "need.employment", at=LIEGE)
    other = service("Other need", "need.housing", at=LIEGE)
    found = search(index_of([regional, far, other]), _outside_wallonia(needs=("employment",)))
    assert names(found) == ["Far", "Regional"]
    (caution,) = [c for c in found.results[1].cautions if c.code == "residence_in_area"]
    assert caution.params == {"area": "Wallonie"}


def test_inside_its_area_a_residents_only_service_ranks_as_usual_and_says_who_it_is_for() -> None:
    regional = service(
        "Regional",
        "need.employment",
        "requires.residence_in_area",
        areas=["Bruxelles"],
        at=BRUSSELS,
    )
    far = service("Far", "need.employment", at=LIEGE)
    found = search(index_of([regional, far]), in_brussels(needs=("employment",)))
    assert names(found) == ["Regional", "Far"]
    assert "residence_in_area" in codes(found.results[0].cautions)


def _unreachable(name: str, *codes_: str) -> dict[str, Any]:
    record = service(name, *codes_, phones=(), at=None)
    record["service_at_locations"] = []
    return record


def test_a_service_nobody_can_reach_ranks_below_reachable_ones_with_a_caution() -> None:
    silent = _unreachable("Silent", "need.housing", "offers.remote")
    far = service("Far", "need.housing", at=LIEGE)
    found = search(index_of([silent, far]), in_brussels(needs=("housing",)))
    assert names(found) == ["Far", "Silent"]
    assert "unreachable" in codes(found.results[1].cautions)


@pytest.mark.parametrize(
    ("code", "caution"),
    [
        ("offers.outreach", "unreachable_outreach"),
        ("requires.professional_referral", "unreachable_referral"),
    ],
)
def test_the_caution_says_how_else_to_reach_it_when_the_data_says_so(
    code: str, caution: str
) -> None:
    result = _first(
        "Silent", in_brussels(), _unreachable("Silent", "need.housing", "offers.remote", code)
    )
    assert caution in codes(result.cautions)


def test_a_web_address_or_an_e_mail_is_a_way_to_reach_a_service() -> None:
    for fields in ({"url": "https://example.org"}, {"email": "help@example.org"}):
        record = _unreachable("Online", "need.housing", "offers.remote") | fields
        result = _first("Online", in_brussels(), record)
        assert not {"unreachable", "unreachable_outreach"} & set(codes(result.cautions))


def _branches(name: str, *phones: tuple[str, str | None]) -> dict[str, Any]:
    """A service with one location per (town, phone) at increasing distance from Brussels."""
    places = [
        with_phone(
            location(
                name=f"{name}, {town}",
                latitude=50.85 + n * 0.3,
                longitude=4.35 + n * 0.3,
                city=town,
            ),
            number,
        )
        for n, (town, number) in enumerate(phones)
    ]
    return at_locations(service(name, "need.health_sexual", phones=()), places)


def test_the_matched_branch_gives_its_own_address_and_phone() -> None:
    record = _branches("Centres", ("Charleroi", "071 00 00 00"), ("Anvers", "03 000 00 00"))
    near_antwerp = Person(latitude=51.15, longitude=4.65, in_area=lambda _: True)
    (result,) = search(index_of([record]), near_antwerp).results
    assert result.site is not None and result.site.municipality == "Anvers"
    assert [(p.number, p.label) for p in result.phones] == [("03 000 00 00", "location")]


def test_a_branch_without_a_phone_gives_the_central_number_so_labelled_never_another_branchs() -> (
    None
):
    record = _branches("Centres", ("Bruxelles", None), ("Charleroi", "071 00 00 00"))
    record["phones"] = [{"id": new_id(), "service_id": record["id"], "number": "02 111 11 11"}]
    (result,) = search(index_of([record]), in_brussels()).results
    assert result.site is not None and result.site.municipality == "Bruxelles"
    assert [(p.number, p.label) for p in result.phones] == [("02 111 11 11", "central")]


def test_without_a_service_number_the_organisations_central_number_is_given() -> None:
    record = _branches("Centres", ("Bruxelles", None), ("Charleroi", "071 00 00 00"))
    record["organization"]["phones"] = [
        {"id": new_id(), "organization_id": record["organization"]["id"], "number": "02 222 22 22"}
    ]
    (result,) = search(index_of([record]), in_brussels()).results
    assert [(p.number, p.label) for p in result.phones] == [("02 222 22 22", "central")]


def test_a_line_a_site_is_reached_through_keeps_that_label() -> None:
    record = service("Shelter", "need.emergency_shelter", "privacy.confidential_address", phones=())
    record["phones"] = [
        {
            "id": new_id(),
            "service_id": record["id"],
            "number": "02 333 33 33",
            "description": "the shelter is reached through the office number; not confirmed",
        }
    ]
    (result,) = search(index_of([record]), in_brussels()).results
    assert [(p.number, p.label) for p in result.phones] == [("02 333 33 33", "through")]


def test_a_service_put_first_for_another_need_says_so() -> None:
    housing = [service(f"Housing {n}", at=(50.85, 4.35 + n / 1000)) for n in range(4)]
    lawyer = service("Lawyer", "need.legal_migration", at=LIEGE)
    found = search(index_of([*housing, lawyer]), in_brussels(needs=("housing", "legal_migration")))
    (result,) = [r for r in found.results if r.listing.name == "Lawyer"]
    assert names(found).index("Lawyer") == 1
    assert [r.params for r in result.reasons if r.code == "first_for_need"] == [
        {"need": "legal_migration"}
    ]
