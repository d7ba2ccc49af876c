"""In real Chromium against a real server (bundled directory): the true count, "More results"
as a plain POST (the search never in a URL), with and without JavaScript, and the place said
as understood."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import LiveServer, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("more") / "site.db"
    with live_server(f"sqlite:///{database}") as url:
        yield url


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=request.param)
    yield context.new_page()
    context.close()


def true_count(site: LiveServer) -> int:
    body = {
        "location": {"place": "Brussels"},
        "needs": ["emergency_shelter", "housing"],
        "goal": "exit",
        "situation": {"controlled_by_someone": True},
        "limit": 50,
    }
    total = int(httpx.post(f"{site}/v1/match", json=body).json()["total"])
    assert 10 < total <= 50, "more than one page, fewer than the most shown"
    return total


def test_more_results_shows_every_match_by_post(page: Page, site: LiveServer) -> None:
    total = true_count(site)
    page.goto(f"{site}/?lang=en")
    page.get_by_label("Town or municipality").fill("Bruxeles")
    page.get_by_label("Emergency shelter", exact=True).check()
    page.get_by_label("Housing", exact=True).check()
    page.get_by_label("Someone controls me, takes my money or keeps my papers").check()
    page.get_by_label("I would like to stop sex work").check()
    page.get_by_role("button", name="Find help").click()
    page.wait_for_selector("h1:has-text('Help that may suit you')")
    assert page.locator("p.place-understood").inner_text() == "Help near Brussels"
    assert page.get_by_text(f"We found {total} services. Here are the first 10.").is_visible()
    assert page.locator("li.result").count() == 10
    shown = 10
    while shown < total:
        page.get_by_role("button", name="More results").click()
        shown = min(shown + 10, total)
        expect(page.locator("li.result")).to_have_count(shown)
        assert page.url == f"{site}/search", "the search is never in a URL"
        assert page.get_by_text(f"We found {total} services.").is_visible()
        assert page.locator("p.place-understood").inner_text() == "Help near Brussels"
    assert page.get_by_role("button", name="More results").count() == 0
