"""The website over the real bundled directory, on SQLite and PostgreSQL: a person's own words,
places named in the page's language, the true number of results and "More results" as a plain
form (no JavaScript: what a browser sends, read from the page)."""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory import bundled
from directory.hsds.importer import import_records
from directory.state import bump_version

B6: dict[str, object] = {
    "place": "Brussels",
    "needs": ["emergency_shelter", "housing"],
    "goal": "exit",
    "controlled_by_someone": "true",
}
"""The walkthrough's search that matched 15 services (bug B6: "we found 10")."""
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def site(engine: Engine, database_url: str) -> Iterator[TestClient]:
    with engine.begin() as connection:
        import_records(connection, bundled.records(), who="curator")
        bump_version(connection)
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client


def search(site: TestClient, lang: str = "en", /, **fields: object) -> str:
    answer = site.post("/search", data={"lang": lang, **fields})
    assert answer.status_code == 200, answer.text
    return str(answer.text)


def shown(page: str) -> str:
    """The page without the search form ("Change your answers" fills it again)."""
    return page.split('<details class="change">')[0]


def said(page: str) -> str:
    """What the page says in its own words: the place line and the results' reasons (service
    names and descriptions are the organisations' words)."""
    place = re.findall(r'<p class="place-understood">(.*?)</p>', page)
    reasons = re.findall(r'<ul class="reasons">(.*?)</ul>', page, re.S)
    return "\n".join([*place, *reasons])


class SearchForm(HTMLParser):
    """What a browser sends when a button of the search form (`id="search-form"`) is pressed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.buttons: dict[str, tuple[str, str]] = {}
        self._inside = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._inside = found.get("id") == "search-form"
        elif tag == "button" and found.get("form") == "search-form" and found.get("name"):
            self.buttons[found["name"]] = (found["name"], found["value"])
        elif self._inside and tag == "input" and found.get("name"):
            kind = found.get("type", "text")
            if kind in {"hidden", "text"} or ("checked" in found and kind in {"checkbox", "radio"}):
                self.fields.append((found["name"], found.get("value", "")))
        elif self._inside and tag == "textarea":
            self._textarea = found["name"]
            self.fields.append((found["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False


def read_form(page: str) -> SearchForm:
    form = SearchForm()
    form.feed(page)
    return form


@pytest.mark.parametrize(
    ("lang", "named", "unsaid"),
    [
        ("nl", "In Gent", ["Gand", "Ghent"]),
        ("fr", "À Gand", ["Ghent"]),
        ("en", "In Ghent", ["Gand"]),
        ("de", "In Gent", ["Gand", "Ghent"]),
    ],
)
def test_the_page_names_places_in_its_language(
    site: TestClient, lang: str, named: str, unsaid: list[str]
) -> None:
    words = said(search(site, lang, place="Gent", needs="health_sexual"))
    assert named in words
    assert not [word for word in unsaid if word in words]


@pytest.mark.parametrize(
    ("lang", "line"),
    [("fr", "Lieu de recherche : Bruxelles"), ("nl", "Hulp in de buurt van Brussel"),
     ("en", "Help near Brussels"), ("ro", "Ajutor în apropiere de Bruxelles / Brussel")],
)  # fmt: skip
def test_the_page_says_which_place_it_understood(site: TestClient, lang: str, line: str) -> None:
    page = search(site, lang, place="Bruxeles", needs="housing")
    assert line in shown(page)
    assert "Bruxeles" not in shown(page), "said as understood, not as typed"


@pytest.mark.parametrize(
    ("lang", "text"),
    [("fr", "je dors dehors"), ("nl", "ik slaap op straat"), ("ro", "nu am unde să dorm"),
     ("fr", "j ai besoin d un toit"), ("en", "hosuing")],
)  # fmt: skip
def test_a_persons_words_find_shelter_and_stay_unsaid(
    site: TestClient, lang: str, text: str
) -> None:
    page = search(site, lang, place="Bruxelles", text=text)
    assert 'name="service"' in page
    assert text not in shown(page)


def test_words_about_papers_and_danger_change_no_answer_of_the_form(site: TestClient) -> None:
    text = "sans papiers, mon proxénète a pris mon passeport"
    page = search(site, "en", place="Bruxelles", text=text)
    assert "Open to people without papers" in page
    assert "sans papiers," not in shown(page) and "pris mon passeport" not in shown(page)
    sent = dict(read_form(page).fields)
    assert sent["documentation_status"] == "unknown", "the status stays as the person left it"
    assert "controlled_by_someone" not in sent and "in_danger_now" not in sent
    assert "notice-emergency" not in shown(page).split('class="results"')[0]


def true_count(site: TestClient) -> int:
    """How many services match B6, asked of the API with its largest limit."""
    body = {
        "location": {"place": B6["place"]},
        "needs": B6["needs"],
        "goal": B6["goal"],
        "situation": {"controlled_by_someone": True},
        "limit": 50,
    }
    answer = site.post("/v1/match", json=body).json()
    assert answer["total"] == len(answer["results"]) > 10, "more than ten match"
    return int(answer["total"])


def test_the_true_count_and_more_results_without_javascript(site: TestClient) -> None:
    total = true_count(site)
    first = search(site, **B6)
    assert f"We found {total} services. Here are the first 10." in first
    assert first.count('name="service"') == 10
    form = read_form(first)
    assert form.buttons == {"limit": ("limit", "20")}
    sent = urlencode([*form.fields, form.buttons["limit"]])
    more = site.post("/search", content=sent, headers={"content-type": FORM})
    assert more.status_code == 200
    assert more.text.count('name="service"') == min(total, 20)
    assert f"We found {total} services." in more.text
    assert ("More results" in more.text) == (total > 20)
    assert 'name="limit"' not in more.text.split('<details class="change">')[1], "not kept"


@pytest.mark.parametrize("limit", ["0", "51", "ten", "-5", "9" * 30])
def test_a_changed_limit_is_a_friendly_error(site: TestClient, limit: str) -> None:
    answer = site.post("/search", data={"lang": "en", **B6, "limit": limit})
    assert answer.status_code == 422
    assert "Something in the form could not be used" in answer.text
    assert 'value="Brussels"' in answer.text, "the form comes back filled in"


def test_a_person_in_danger_sees_one_emergency_block_then_calm_helplines(
    site: TestClient,
) -> None:
    page = shown(search(site, "nl", place="Gent", in_danger_now="true", languages="nl"))
    notices = page.split('class="results"')[0]
    assert notices.count('role="alert"') == 1, "one emergency block"
    alert = notices.split('role="alert"')[1].split("</div>")[0]
    assert 'href="tel:112"' in alert and 'href="tel:101"' in alert
    assert 'href="tel:106"' not in alert, "a helpline is help, not an alarm"
    helplines = notices.split("notice-helpline")[1]
    assert 'href="tel:106"' in helplines
    assert helplines.count("<li>") <= 3
    # the caution about unconfirmed numbers is said once, not on every line
    assert notices.count("nog niet bevestigd") == 1
    assert "bel dan 112" in notices


def test_a_page_for_a_controlled_person_names_the_centre_before_the_reporting_line(
    site: TestClient,
) -> None:
    page = shown(search(site, "fr", place="Liège", controlled_by_someone="true"))
    centre = page.index('href="tel:042324030"')
    federal = page.index('href="tel:078055800"')
    assert centre < federal
    assert "enquête pénale" in page[centre:]
    assert "quels que soient vos papiers" not in page


def test_a_line_given_in_a_notice_links_to_its_service_and_is_no_result_card(
    site: TestClient,
) -> None:
    page = shown(search(site, "fr", place="Liège", controlled_by_someone="true"))
    notices, results = page.split('class="results"', 1)
    linked = set(re.findall(r'href="/services/([0-9a-f-]+)\?lang=fr">En savoir plus', notices))
    assert linked, "a notice naming a line links to that service's page"
    cards = set(re.findall(r'name="service" value="([0-9a-f-]+)"', results))
    assert cards, "the page has result cards"
    assert not linked & cards
