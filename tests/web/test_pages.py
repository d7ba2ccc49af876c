"""The public website through the app: languages, search, errors, referral sheet, privacy headers.

Runs on SQLite and PostgreSQL, with a small fictional directory (tests/web/pages.py).
"""

import base64
import hashlib
import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape
from sqlalchemy.engine import Engine

from api.app import create_app
from api.match_models import Notice
from api.settings import Settings
from tests.web.pages import HIDDEN_STREET, UNCONFIRMED_PHONE, load_directory, parse
from web.i18n import LANGUAGES, translator
from web.rendering import environment

QUICK_EXIT = "https://neutral.example/weather"
MARKER = "zq-marker-7731"


@pytest.fixture
def site(engine: Engine, database_url: str) -> Iterator[TestClient]:
    load_directory(engine)
    settings = Settings(database_url=database_url, quick_exit_url=QUICK_EXIT)
    with TestClient(create_app(settings)) as client:
        yield client


def search(site: TestClient, **fields: object) -> Response:
    answer: Response = site.post("/search", data={"lang": "en", **fields})
    return answer


def service_ids(html: str) -> list[str]:
    return re.findall(r'name="service" value="([^"]+)"', html)


# --- languages -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_form_speaks_every_language(site: TestClient, lang: str) -> None:
    page = site.get(f"/?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    words = translator(lang)
    assert f"<title>{escape(words('Help and information'))}</title>" in page.text
    assert escape(words("Find help near you")) in page.text
    assert f'<input type="hidden" name="lang" value="{lang}">' in page.text


def test_accept_language_chooses_when_nothing_is_asked(site: TestClient) -> None:
    page = site.get("/", headers={"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"})
    assert '<html lang="nl">' in page.text
    chosen = site.get("/?lang=ro", headers={"Accept-Language": "nl"})
    assert '<html lang="ro">' in chosen.text
    unknown = site.get("/", headers={"Accept-Language": "ja"})
    assert '<html lang="en">' in unknown.text


def test_a_search_answers_in_the_language_of_the_form(site: TestClient) -> None:
    page = site.post("/search", data={"lang": "de", "needs": "emergency_shelter"})
    assert page.status_code == 200
    assert '<html lang="de">' in page.text
    assert escape(translator("de")("Help that may suit you")) in page.text


def test_the_language_switch_is_plain_links(site: TestClient) -> None:
    links = [tag.attrs.get("href") for tag in parse(site.get("/safety").text).find("a")]
    for lang in LANGUAGES:
        assert f"/safety?lang={lang}" in links


# --- search --------------------------------------------------------------------------------


def test_results_show_services_reasons_and_how_to_reach_them(site: TestClient) -> None:
    page = search(site, needs="emergency_shelter", languages="ro")
    assert page.status_code == 200
    assert "Alpha night shelter" in page.text
    assert UNCONFIRMED_PHONE in page.text
    assert 'href="tel:+3220000001"' in page.text
    assert "not verified" in page.text
    assert "<details>" in page.text, "details expand inline: no page per service in history"
    assert 'action="/referral"' in page.text


def test_danger_puts_the_emergency_notice_first(site: TestClient) -> None:
    page = search(site, needs="housing", in_danger_now="true").text
    notice = page.index("notice-emergency")
    assert notice < page.index('class="results"')
    assert 'href="tel:112"' in page


def test_a_page_with_no_result_shows_the_numbers_it_refers_to(site: TestClient) -> None:
    page = search(site, place="Arlon", needs="childcare_family", anonymous_only="true").text
    assert 'class="results"' not in page
    assert "call one of the numbers above" in page
    before = page.index("call one of the numbers above")
    assert -1 < page.index('href="tel:112"') < before
    assert -1 < page.index('href="tel:101"') < before


def test_a_confidential_address_never_reaches_the_page(site: TestClient) -> None:
    page = search(site, needs="housing", text="safe house").text
    assert "Gamma safe house" in page
    assert HIDDEN_STREET not in page
    for service_id in service_ids(page):
        assert HIDDEN_STREET not in site.get(f"/services/{service_id}").text
    sheet = site.post("/referral", data={"service": service_ids(page)})
    assert "Gamma safe house" in sheet.text and HIDDEN_STREET not in sheet.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"age": "twenty", "needs": "housing"}, "age", "Please write your age as a number"),
        ({"age": "-3", "needs": "housing"}, "age", "Please write your age as a number"),
        ({"age": "400", "needs": "housing"}, "age", "Please write an age between 1 and 120"),
        ({"age": "0", "needs": "housing"}, "age", "Please write an age between 1 and 120"),
        ({}, "form", "Please tell us at least where you are or what you need"),
        ({"needs": "flying_carpet"}, "needs", "Please pick from the list."),
        ({"needs": "housing", "goal": "other"}, "goal", "Please pick one of the choices."),
        ({"needs": "housing", "languages": "12"}, "languages", "Please pick from the list."),
        ({"needs": "housing", "languages": "qqq"}, "languages", "Please pick from the list."),
        ({"needs": "housing", "text": "x" * 1001}, "text", "Please write a shorter text"),
        ({"place": "Xqzzyville"}, "place", "We do not know this place."),
        ({"postcode": "0001"}, "postcode", "We do not know this postcode."),
        ({"postcode": "12-34"}, "postcode", "A postcode has only digits or letters"),
    ],
)
def test_form_errors_are_friendly_and_keep_the_form_filled(
    site: TestClient, fields: dict[str, str], field: str, message: str
) -> None:
    page = search(site, **{"documentation_status": "undocumented", "free_only": "true", **fields})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text
    if field != "form":
        assert f'id="{field}-error"' in page.text
    assert 'value="undocumented" checked' in page.text
    assert 'name="free_only" value="true" checked' in page.text
    for name, value in fields.items():
        if name in {"place", "postcode", "age"}:
            assert f'name="{name}" value="{value}"' in page.text


def test_an_error_page_is_in_the_language_of_the_form(site: TestClient) -> None:
    page = site.post("/search", data={"lang": "fr", "age": "abc", "needs": "housing"})
    assert page.status_code == 422
    assert (
        escape(translator("fr")("Please write your age as a number, for example 24.")) in page.text
    )


def test_free_text_comes_back_in_the_form_when_it_must_be_fixed(site: TestClient) -> None:
    page = search(site, text=f"{MARKER} <script>", age="abc")
    assert f"{MARKER} &lt;script&gt;</textarea>" in page.text


# --- referral sheet ------------------------------------------------------------------------


def test_the_referral_sheet_lists_the_ticked_services_and_nothing_about_the_person(
    site: TestClient,
) -> None:
    results = search(
        site, place="", needs=["emergency_shelter", "legal_migration"], age="41",
        text=MARKER, documentation_status="asylum_seeker", gender="nonbinary",
    )  # fmt: skip
    assert results.status_code == 200
    ids = service_ids(results.text)
    assert len(ids) >= 2
    page = parse(results.text)
    sent = [(name, value) for name, value in page.form_fields("/referral") if name != "service"]
    assert sent == [("lang", "en")], "the referral form carries nothing about the person"
    sheet = site.post("/referral", data={"lang": "en", "service": ids[:2]})
    assert sheet.status_code == 200
    assert "Alpha night shelter" in sheet.text and "Beta legal desk" in sheet.text
    visible = re.sub(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "", sheet.text).lower()
    for personal in (MARKER, "asylum", "41", "nonbinary", "non-binary"):
        assert personal.lower() not in visible
    assert UNCONFIRMED_PHONE in sheet.text and "not verified" in sheet.text
    assert "https://beta.example.org/" in sheet.text
    assert "<li>Appointment needed</li>" in sheet.text
    assert "<svg" in sheet.text, "a QR code drawn on the server"
    assert 'media="print"' not in sheet.text and "@media print" in site.get("/static/site.css").text


def test_the_referral_sheet_is_in_the_chosen_language(site: TestClient) -> None:
    ids = service_ids(search(site, needs="legal_migration").text)
    sheet = site.post("/referral", data={"lang": "nl", "service": ids[:1]})
    assert '<html lang="nl">' in sheet.text
    assert escape(translator("nl")("Services that may help")) in sheet.text


def test_the_referral_sheet_can_be_saved_as_a_file(site: TestClient) -> None:
    ids = service_ids(search(site, needs="legal_migration").text)
    saved = site.post("/referral", data={"lang": "en", "service": ids[:1], "format": "file"})
    assert saved.status_code == 200
    assert saved.headers["content-disposition"] == 'attachment; filename="services.html"'
    assert "Beta legal desk" in saved.text
    assert 'id="quick-exit"' not in saved.text


@pytest.mark.parametrize("data", [{}, {"service": "no-such-service"}, {"service": "x" * 5000}])
def test_a_sheet_of_nothing_is_a_friendly_message(site: TestClient, data: dict[str, str]) -> None:
    page = site.post("/referral", data={"lang": "en", **data})
    assert page.status_code == 422
    assert "No service was ticked" in page.text


# --- service pages, safety, about ----------------------------------------------------------


def test_a_service_page_shows_public_facts_for_social_workers(site: TestClient) -> None:
    ids = service_ids(search(site, needs="legal_migration").text)
    page = site.get(f"/services/{ids[0]}?lang=fr")
    assert page.status_code == 200
    assert "Beta legal desk" in page.text
    assert (
        escape(translator("fr")("Yes, last confirmed on {date}.", date="2026-10-01")) in page.text
    )
    assert f'href="/services/{ids[0]}?lang=nl"' in page.text


def test_a_service_page_links_to_the_public_correction_form(site: TestClient) -> None:
    ids = service_ids(search(site, needs="legal_migration").text)
    page = site.get(f"/services/{ids[0]}?lang=fr")
    assert f'href="/suggest/{ids[0]}?lang=fr"' in page.text
    assert "Proposer une correction" in page.text
    form = site.get(f"/suggest/{ids[0]}?lang=fr")
    assert form.status_code == 200 and '<html lang="fr">' in form.text
    assert "set-cookie" not in form.headers


def test_an_unknown_service_is_a_404_page_not_json(site: TestClient) -> None:
    page = site.get("/services/nothing-here?lang=de")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="de">' in page.text


def test_the_safety_and_about_pages(site: TestClient) -> None:
    safety = site.get("/safety?lang=es")
    assert safety.status_code == 200
    assert escape(translator("es")("Private windows")) in safety.text
    about = site.get("/about")
    assert 'href="tel:112"' in about.text and 'href="tel:101"' in about.text
    assert "Delta helpline" in about.text
    assert "Every day 9:00-17:00, for people in Belgium" in about.text


# --- privacy -------------------------------------------------------------------------------

PAGES = ["/", "/?lang=bg", "/safety", "/about", "/static/site.css", "/static/quick-exit.js"]


def _check_headers(answer: Response) -> None:
    assert "set-cookie" not in answer.headers
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy


def test_every_page_sends_the_privacy_headers_and_no_cookie(site: TestClient) -> None:
    for path in PAGES:
        _check_headers(site.get(path))
    results = search(site, needs="housing")
    _check_headers(results)
    _check_headers(site.get(f"/services/{service_ids(results.text)[0]}"))
    _check_headers(site.post("/referral", data={"service": service_ids(results.text)}))
    _check_headers(search(site, age="abc"))
    assert not site.cookies


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in {"http", "https"} or parts.netloc)


def _check_origins(html: str, *, links_out: bool) -> None:
    page = parse(html)
    assert not page.inline_code, f"inline script or style: {page.inline_code}"
    for tag in page.tags:
        assert not any(name == "style" or name.startswith("on") for name in tag.attrs), tag
        source = tag.attrs.get("src") or ""
        assert not _external(source), f"loads from another origin: {tag}"
        if tag.name != "a":
            assert not _external(tag.attrs.get("href") or ""), f"loads from elsewhere: {tag}"
            continue
        href = tag.attrs.get("href") or ""
        if tag.attrs.get("id") == "quick-exit":
            assert href == QUICK_EXIT and tag.attrs.get("rel") == "noreferrer"
        elif _external(href):
            assert links_out, f"link out of the site on a page that should have none: {href}"
            assert tag.attrs.get("rel") == "noreferrer", tag


def test_pages_load_nothing_from_another_origin(site: TestClient) -> None:
    for path in ("/", "/?lang=fr", "/safety", "/about"):
        _check_origins(site.get(path).text, links_out=False)
    results = search(site, needs=["housing", "legal_migration", "crisis_line"])
    _check_origins(results.text, links_out=True)
    ids = service_ids(results.text)
    _check_origins(site.post("/referral", data={"service": ids}).text, links_out=True)
    _check_origins(site.get(f"/services/{ids[0]}").text, links_out=True)
    _check_origins(search(site, age="abc").text, links_out=False)


def test_quick_exit_is_the_first_thing_on_every_page(site: TestClient) -> None:
    results = search(site, needs="housing")
    pages = [site.get("/").text, site.get("/safety").text, results.text]
    pages.append(site.post("/referral", data={"service": service_ids(results.text)}).text)
    for html in pages:
        focusable = [tag for tag in parse(html).tags if tag.name in {"a", "input", "button"}]
        first = focusable[0]
        assert first.attrs.get("id") == "quick-exit" and first.attrs.get("href") == QUICK_EXIT
        assert '<script src="/static/quick-exit.js" defer></script>' in html


def test_the_search_page_weighs_less_than_60_kb(site: TestClient) -> None:
    html = site.get("/?lang=bg")
    page = parse(html.text)
    assets = [tag.attrs.get("src") for tag in page.find("script")]
    assets += [tag.attrs.get("href") for tag in page.find("link")]
    total = len(html.content) + sum(len(site.get(str(url)).content) for url in assets)
    assert len(assets) == 3, assets
    assert total < 60_000, f"{total} bytes"


def test_the_search_is_sent_by_post_so_no_url_holds_it(site: TestClient) -> None:
    forms = list(parse(site.get("/").text).find("form"))
    assert forms and all(form.attrs.get("method") == "post" for form in forms)
    assert all(form.attrs.get("autocomplete") == "off" for form in forms)
    # a search put in a URL is not run: the form comes back, empty
    again = site.get("/search?needs=housing&place=Gent", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/"


# --- places --------------------------------------------------------------------------------


def test_a_search_by_town_or_postcode(site: TestClient) -> None:
    by_town = search(site, place="Bruxelles", needs="emergency_shelter")
    assert by_town.status_code == 200 and "Alpha night shelter" in by_town.text
    by_postcode = search(site, postcode="1000", needs="emergency_shelter")
    assert by_postcode.status_code == 200 and "Alpha night shelter" in by_postcode.text


def test_an_unknown_place_offers_close_names_as_buttons(site: TestClient) -> None:
    page = search(site, place="Namurrrr", needs="housing")
    assert page.status_code == 422
    assert 'name="suggested_place" value="Namur"' in page.text
    assert 'name="place" value="Namurrrr"' in page.text
    chosen = search(site, place="Namurrrr", suggested_place="Namur", needs="housing")
    assert chosen.status_code == 200


def test_every_error_in_the_summary_links_to_its_field(site: TestClient) -> None:
    page = search(site, needs="flying", goal="x", gender="x", documentation_status="x", age="x")
    assert page.status_code == 422
    html = parse(page.text)
    ids = {tag.attrs.get("id") for tag in html.tags}
    summary = page.text.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert len(targets) == 5
    assert all(target in ids for target in targets), targets


@pytest.mark.parametrize("path", ["/no-such-page", "/services", "/fr/accueil?x=1"])
def test_a_wrong_link_opened_in_a_browser_is_a_page_in_the_persons_language(
    site: TestClient, path: str
) -> None:
    page = site.get(path, headers={"Accept": "text/html,*/*;q=0.8", "Accept-Language": "nl-BE"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in page.text
    assert 'id="quick-exit"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "set-cookie" not in page.headers


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/no-such-page", "application/json"),
        ("/no-such-page", "*/*"),
        ("/v1/nothing", "text/html"),
        ("/api/nothing", "text/html"),
        ("/hsds/nothing", "text/html"),
        ("/hsds/services/nothing-here", "text/html"),
        ("/static/nothing.css", "text/html"),
    ],
)
def test_programs_and_api_paths_keep_json_404s(site: TestClient, path: str, accept: str) -> None:
    answer = site.get(path, headers={"Accept": accept})
    assert answer.status_code == 404
    assert not answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/search", "/"),
        ("/referral", "/"),
        ("/search?lang=ro", "/?lang=ro"),
        ("/referral?lang=xx", "/"),
    ],
)
def test_results_opened_again_from_the_address_bar_lead_back_to_the_form(
    site: TestClient, path: str, where: str
) -> None:
    answer = site.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == where
    assert "set-cookie" not in answer.headers
    assert site.get(path).status_code == 200


def test_a_form_value_the_server_refuses_is_a_page_not_json(site: TestClient) -> None:
    answer = site.get("/about?lang=" + "x" * 40, headers={"Accept-Language": "fr"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "Vérifiez ce que vous avez saisi" in answer.text
    assert 'id="quick-exit"' in answer.text
    login = site.post("/portal/login", data={"email": "a" * 400 + "@b.c", "password": "x"})
    assert login.status_code == 422
    assert login.headers["content-type"].startswith("text/html")
    assert "a" * 400 not in login.text  # what was sent is not echoed back
    api = site.post("/v1/match", json={"limit": 0})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"][-1] == "limit"


@pytest.mark.parametrize(
    ("phone", "confirmed", "href"),
    [("078/055.800", False, "tel:078055800"), ("+32 2 000 00 04", True, "tel:+3220000004")],
)
def test_a_notice_line_dials_and_says_when_its_number_is_unconfirmed(
    phone: str, confirmed: bool, href: str
) -> None:
    notice = Notice(
        kind="trafficking", text="…", summary="…", phone=phone, phone_confirmed=confirmed
    )
    _ = translator("fr")
    html = environment().get_template("_notices.html").render(notices=[notice], _=_)
    assert f'href="{href}"' in html  # digits only: "/" and spaces are not dialable
    assert escape(_("Call {number}", number=phone)) in html
    assert (escape(_("not verified")) in html) is not confirmed


def test_a_wrong_method_from_a_browser_is_a_page_and_json_for_programs(site: TestClient) -> None:
    page = site.delete("/about", headers={"Accept": "text/html"})
    assert page.status_code == 405 and page.headers["content-type"].startswith("text/html")
    assert 'id="quick-exit"' in page.text
    api = site.delete("/v1/match", headers={"Accept": "text/html"})
    assert api.status_code == 405 and api.headers["content-type"].startswith("application/json")


def test_the_saved_sheet_carries_the_on_screen_stylesheet_and_runs_nothing(
    site: TestClient,
) -> None:
    """It is opened from disk, where /static cannot be reached: the stylesheet is in the file,
    unescaped, and a Content-Security-Policy of its own allows that stylesheet and no script."""
    ids = service_ids(search(site, needs="legal_migration").text)
    saved = site.post("/referral", data={"lang": "en", "service": ids[:1], "format": "file"})
    (css,) = re.findall(r"<style>(.*?)</style>", saved.text, flags=re.DOTALL)
    assert css == site.get("/static/site.css").text
    assert "&#34;" not in css and "&gt;" not in css
    (policy,) = re.findall(
        r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', saved.text
    )
    rules = dict(rule.strip().split(" ", 1) for rule in unescape(policy).split(";"))
    assert rules["default-src"] == "'none'" and "script-src" not in rules
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert rules["style-src"] == f"'sha256-{digest}'"
    assert "<script" not in saved.text


@pytest.mark.parametrize("path", ["/", "/about", "/safety", "/health"])
def test_head_answers_like_get_without_a_body(site: TestClient, path: str) -> None:
    """Review B24: `curl -I /` answered 405."""
    got = site.get(path)
    head = site.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-security-policy") == got.headers.get("content-security-policy")
    assert "set-cookie" not in head.headers
