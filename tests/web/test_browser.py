"""The website in real Chromium against the real server: search, no-JS search, quick exit,
referral sheet, language switch, same-origin requests and an axe-core accessibility scan."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.browser import LiveServer, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEUTRAL = "https://neutral.example/weather"
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("browser") / "site.db"
    with live_server(f"sqlite:///{database}", PASSERELLE_QUICK_EXIT_URL=NEUTRAL) as url:
        yield url


def _neutral(route: Route) -> None:
    route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><p>Sunny</p>")


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(**options)
    context.route("https://neutral.example/**", _neutral)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser)
    yield context.new_page()
    context.close()


def search_for_housing(page: Page, site: str) -> None:
    page.goto(f"{site}/?lang=en")
    page.get_by_label("Housing", exact=True).check()
    page.get_by_label("Papers and residence").check()
    page.get_by_label("Romanian").check()
    page.get_by_label("I have no papers right now").check()
    page.get_by_label("In your own words (optional)").fill("I need a room")
    page.get_by_role("button", name="Find help").click()
    page.wait_for_selector("h1:has-text('Help that may suit you')")


def test_search_then_referral_sheet(page: Page, site: LiveServer) -> None:
    search_for_housing(page, site)
    assert page.url == f"{site}/search"
    first = page.locator("li.result").first
    first.locator("summary").click()
    assert first.locator("dl.facts").is_visible()
    first.get_by_label("Add to the referral sheet").check()
    name = first.locator("h2").inner_text()
    page.get_by_role("button", name="Make a referral sheet of the ticked services").click()
    page.wait_for_selector("h1:has-text('Services that may help')")
    assert page.url == f"{site}/referral"
    assert name in page.inner_text("main")
    assert "I need a room" not in page.content()
    assert page.locator("#print-sheet").is_visible(), "the print button shows when JS runs"


def test_each_referral_checkbox_is_named_after_its_service(page: Page, site: LiveServer) -> None:
    """Review B25: a screen reader heard "Add to the referral sheet" ten times."""
    search_for_housing(page, site)
    results = page.locator("li.result")
    names = []
    for n in range(results.count()):
        result = results.nth(n)
        service = result.locator("h2").inner_text()
        box = result.get_by_role("checkbox", name=f"Add to the referral sheet: {service}")
        assert box.count() == 1, result.locator("label.pick").inner_html()
        names.append(service)
    assert len(names) > 1


def test_search_works_without_javascript(browser: Browser, site: LiveServer) -> None:
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    search_for_housing(page, site)
    assert page.locator("li.result").count() > 0
    page.locator("li.result").first.locator("summary").click()
    page.locator("li.result input[name=service]").first.check()
    page.get_by_role("button", name="Make a referral sheet of the ticked services").click()
    page.wait_for_selector("h1:has-text('Services that may help')")
    assert not page.locator("#print-sheet").is_visible()
    page.locator("#quick-exit").click()
    page.wait_for_url(NEUTRAL)
    context.close()


def test_quick_exit_by_click_leaves_no_way_back_to_the_results(
    page: Page, site: LiveServer
) -> None:
    search_for_housing(page, site)
    page.locator("#quick-exit").click()
    page.wait_for_url(NEUTRAL)
    assert page.title() == "Weather"
    page.go_back()
    assert "Help that may suit you" not in page.content()
    assert page.url != f"{site}/search"


def test_quick_exit_by_three_shift_presses(page: Page, site: LiveServer) -> None:
    search_for_housing(page, site)
    page.wait_for_load_state("domcontentloaded")  # the deferred script has run: Shift counts
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert "Help that may suit you" not in page.content()


def test_quick_exit_is_the_first_tab_stop(page: Page, site: LiveServer) -> None:
    page.goto(f"{site}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"


def test_language_switch(page: Page, site: LiveServer) -> None:
    page.goto(f"{site}/?lang=en")
    page.get_by_role("link", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.title() == "Aide et informations"
    page.get_by_role("link", name="Български").click()
    assert page.locator("html").get_attribute("lang") == "bg"


def test_every_request_stays_on_the_site(page: Page, site: LiveServer) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    search_for_housing(page, site)
    page.locator("li.result input[name=service]").first.check()
    page.get_by_role("button", name="Make a referral sheet of the ticked services").click()
    page.wait_for_selector("h1:has-text('Services that may help')")
    page.goto(f"{site}/safety")
    page.goto(f"{site}/about")
    assert requests
    elsewhere = [url for url in requests if not url.startswith(f"{site}/")]
    assert not elsewhere, elsewhere


def _serious(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']][:3]}"
        for item in result["violations"]
        if item["impact"] in {"serious", "critical"}
    ]


def test_no_serious_accessibility_problems(browser: Browser, site: LiveServer) -> None:
    context = new_context(browser, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    page.goto(f"{site}/?lang=fr")
    found["search"] = _serious(page)
    search_for_housing(page, site)
    found["results"] = _serious(page)
    page.locator("li.result input[name=service]").first.check()
    page.get_by_role("button", name="Make a referral sheet of the ticked services").click()
    page.wait_for_selector("h1:has-text('Services that may help')")
    found["referral"] = _serious(page)
    page.goto(f"{site}/safety?lang=bg")
    found["safety"] = _serious(page)
    page.goto(f"{site}/about")
    found["about"] = _serious(page)
    search_for_housing(page, site)
    service_id = page.locator("li.result input[name=service]").first.get_attribute("value")
    page.goto(f"{site}/services/{service_id}?lang=en")
    found["service"] = _serious(page)
    page.get_by_role("link", name="Suggest a correction").click()
    found["correction form"] = _serious(page)
    page.goto(f"{site}/no-such-page?lang=ro")
    found["not found"] = _serious(page)
    page.goto(f"{site}/portal/login?lang=nl")
    found["portal login"] = _serious(page)
    context.close()
    assert not any(found.values()), found


def test_typing_capital_letters_does_not_trigger_quick_exit(page: Page, site: LiveServer) -> None:
    page.goto(f"{site}/?lang=en")
    field = page.get_by_label("In your own words (optional)")
    field.click()
    for letter in "HELP":
        page.keyboard.press(f"Shift+Key{letter}")
    page.wait_for_timeout(300)
    assert page.url.startswith(site)
    assert field.input_value() == "HELP"


def test_accessibility_is_asked_with_checkboxes_without_javascript(
    browser: Browser, site: LiveServer
) -> None:
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/?lang=en")
    page.get_by_label("Housing", exact=True).check()
    page.get_by_label("Step-free access").check()
    page.get_by_label("Sign language").check()
    page.get_by_role("button", name="Find help").click()
    page.wait_for_selector("h1:has-text('Help that may suit you')")
    assert page.locator("li.result").count() > 0
    caution = "Accessibility not stated: Step-free access, Sign language"
    assert page.locator(f"li.result:has-text('{caution}')").count() > 0
    assert page.get_by_label("Step-free access").is_checked()
    assert context.cookies() == []
    context.close()
