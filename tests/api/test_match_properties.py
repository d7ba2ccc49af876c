"""Explanation codes as the API renders them: one code per text, in the same order (a property of
the matcher's answer once `api` renders it, so it lives with the API tests)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from api.match_answer import answer
from matcher.messages import Message
from matcher.person import Person
from tests.matcher.persons import codes, search
from tests.matcher.test_properties import _honest_directory, honest_persons, honest_records
from web.messages import render


@settings(max_examples=40, deadline=None)
@given(honest_records, honest_persons, st.sampled_from(["en", "fr", "bg"]))
def test_codes_come_with_their_texts_in_the_same_order(
    specs: list[tuple[list[str], list[str], bool, tuple[float, float]]],
    person: Person,
    lang: str,
) -> None:
    ranking = search(_honest_directory(specs), person)
    for found, result in zip(answer(ranking, lang).results, ranking.results, strict=True):
        assert len(found.reason_codes) == len(found.reasons)
        assert len(found.caution_codes) == len(found.cautions)
        for texts, explained in (
            (found.reasons, found.reason_codes),
            (found.cautions, found.caution_codes),
        ):
            assert texts == [render(Message(item.code, item.params), lang) for item in explained]
        assert [item.code for item in found.caution_codes] == codes(result.cautions)
