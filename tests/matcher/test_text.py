"""Free text that understands people: the curated phrases of `matcher.phrases` in ten languages,
with typos, give needs; what they say about papers or danger never becomes a status or a flag."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.taxonomy import codes_with_prefix
from matcher.person import Person
from matcher.phrases import SITUATIONS
from matcher.text import understand
from tests.matcher.persons import codes, in_brussels, index_of, names, search, service

SHELTER = {"emergency_shelter", "housing"}


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("je dors dehors", SHELTER),
        ("ik slaap op straat", SHELTER),
        ("nu am unde să dorm", SHELTER),
        ("nu am unde sa dorm", SHELTER),
        ("dorm afara", SHELTER),
        ("j'ai besoin d'un toit", SHELTER),
        ("j ai besoin d un toit", SHELTER),
        ("I have been sleeping outside for a week", SHELTER),
        ("ich schlafe draußen", SHELTER),
        ("ich schlafe drausen", SHELTER),
        ("спя на улицата", SHELTER),
        ("no tengo donde dormir", SHELTER),
        ("durmo na rua", SHELTER),
        ("أنام في الشارع", SHELTER),
        ("sokakta uyuyorum", SHELTER),
        ("hosuing", {"housing"}),
        ("logment", {"housing"}),
        ("sans papiers", {"legal_migration"}),
        ("sans papier", {"legal_migration"}),
        ("no papers", {"legal_migration"}),
        ("zonder papieren", {"legal_migration"}),
        ("sin papeles", {"legal_migration"}),
        ("nu am acte", {"legal_migration"}),
        ("нямам документи", {"legal_migration"}),
        ("my pimp took my passport", {"trafficking_support"}),
        ("il a pris mon passeport", {"trafficking_support"}),
        ("mi-a luat pașaportul", {"trafficking_support"}),
        ("pooier heeft mijn paspoort", {"trafficking_support"}),
        ("взеха ми паспорта", {"trafficking_support"}),
        ("a client hit me", {"violence_support"}),
        ("un client m'a frappée", {"violence_support"}),
        ("un client m a frapee", {"violence_support"}),
        ("een klant heeft me geslagen", {"violence_support"}),
        ("un cliente me pegó", {"violence_support"}),
        ("i have debts", {"financial"}),
        ("j'ai des dettes", {"financial"}),
        ("I am pregnant", {"childcare_family", "health_general", "health_sexual"}),
        ("je suis enceinte", {"childcare_family", "health_general", "health_sexual"}),
        ("insarcinata", {"childcare_family", "health_general", "health_sexual"}),
        ("hamileyim", {"childcare_family", "health_general", "health_sexual"}),
        ("I need PrEP", {"health_sexual"}),
        ("test VIH", {"health_sexual"}),
        ("my employer did not pay me", {"legal_labour"}),
        ("mon patron ne m'a pas payée", {"legal_labour"}),
        ("I want to leave sex work", {"exit_programme"}),
        ("ik wil stoppen met sekswerk", {"exit_programme"}),
        ("vreau să mă las", {"exit_programme"}),
        ("quiero dejar la prostitución", {"exit_programme"}),
    ],
)
def test_a_persons_words_name_their_needs(text: str, needs: set[str]) -> None:
    assert needs <= set(understand(text).needs), text


def test_every_situation_speaks_every_language_it_promises() -> None:
    languages = {"en", "fr", "nl", "de", "ro", "bg", "es", "pt", "ar", "tr"}
    for situation in SITUATIONS:
        assert set(situation.phrases) == languages, situation.name
        for lang, phrases in situation.phrases.items():
            for phrase in phrases:
                found = understand(phrase)
                assert set(situation.needs) <= set(found.needs), (lang, phrase)


@pytest.mark.parametrize(
    "text", ["je travaille dans la rue", "hello", "merci beaucoup", "ik ben in Gent", ""]
)
def test_words_that_say_no_need_add_none(text: str) -> None:
    assert understand(text).needs == ()


def test_only_words_about_papers_prefer_services_open_without_papers() -> None:
    assert understand("je suis sans papiers").without_papers
    assert understand("no papers, I sleep outside").without_papers
    assert not understand("j'ai un permis de séjour").without_papers
    assert not understand("my pimp took my passport").without_papers


def test_no_papers_in_words_prefers_open_services_with_a_reason_and_filters_nothing() -> None:
    open_to_all = service("Open", "need.legal_migration", "welcome.undocumented")
    permit = service("Permit", "need.legal_migration", "requires.residence_permit")
    index = index_of([permit, open_to_all])  # alike but for papers: Permit first otherwise
    assert names(search(index, in_brussels(text="papiers"))) == ["Permit", "Open"]
    found = search(index, in_brussels(text="je suis sans papiers"))
    assert names(found) == ["Open", "Permit"], "preferred, and the other one still listed"
    reasons = {result.listing.name: codes(result.reasons) for result in found.results}
    assert "welcomes_status" in reasons["Open"] and "welcomes_status" not in reasons["Permit"]
    assert not found.notices
    stated = search(index, in_brussels(text="je suis sans papiers", status="citizen"))
    assert "Permit" in names(stated), "a stated status decides, never the words"
    assert not any("undocumented" in str(m.params) for r in stated.results for m in r.reasons)


def test_typing_about_danger_sets_no_flag() -> None:
    index = index_of([service("Centre", "need.trafficking_support"), service("Housing")])
    found = search(index, in_brussels(text="my pimp took my passport, a client hit me"))
    assert names(found) == ["Centre"]
    assert found.notices == (), "no danger notice: the words set no flag"
    assert not any("safety_added" in codes(result.reasons) for result in found.results)


PHRASES = [phrase for s in SITUATIONS for texts in s.phrases.values() for phrase in texts]
NEEDS = [code.split(".", 1)[1] for code in codes_with_prefix("need")]
texts = st.one_of(
    st.lists(st.sampled_from(PHRASES), min_size=1, max_size=4).map(" ".join),
    st.text(max_size=200),
)
persons = st.builds(
    in_brussels,
    status=st.sampled_from([None, "unknown", "undocumented", "asylum_seeker", "citizen"]),
    needs=st.lists(st.sampled_from(NEEDS), max_size=2, unique=True).map(tuple),
    in_danger_now=st.booleans(),
    controlled_by_someone=st.booleans(),
    age=st.one_of(st.none(), st.integers(12, 70)),
)
DIRECTORY = index_of(
    [
        service("Centre", "need.trafficking_support", "welcome.undocumented"),
        service("Permit", "need.housing", "need.legal_migration", "requires.residence_permit"),
        service("Citizens", "need.violence_support", "welcome.citizen"),
        service("Line", "need.crisis_line", "need.emergency_shelter", "welcome.undocumented"),
        service("Clinic", "need.health_sexual", "need.health_general", at=(50.9, 4.3)),
    ]
)


@settings(max_examples=80, deadline=None)
@given(persons, texts)
def test_no_free_text_changes_the_status_or_danger_flags(person: Person, text: str) -> None:
    without = search(DIRECTORY, person)
    written = search(DIRECTORY, replace(person, text=text))
    assert written.notices == without.notices, "notices follow the flags, not the words"
    for result in written.results:
        welcome = result.listing.words("welcome")
        if person.known_status:
            assert not welcome or person.known_status in welcome
        if person.known_status in ("undocumented", "asylum_seeker"):
            assert "residence_permit" not in result.listing.words("requires")
        statuses = [m.params["status"] for m in result.reasons if m.code == "welcomes_status"]
        assert statuses in ([], [person.known_status or "undocumented"])
        added = "safety_added" in codes(result.reasons)
        assert not added or person.controlled_by_someone
