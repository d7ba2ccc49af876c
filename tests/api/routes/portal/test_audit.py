"""The curator's review queue and audit log in words: word-level diffs, lists of names for codes
and languages, never ids or JSON; decisions answer 303 to a page saying what was done once; the
audit's filters by service, organisation, kind and date, paged, and their bad input."""

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.hsds.importer import import_records
from tests.api.routes.portal.accounts import CURATOR, PARTNER, hidden, sign_in
from tests.api.routes.portal.service_form import send
from tests.api.routes.words_shown import text_of
from tests.builders import service_record
from tests.partner_fixtures import World, organization

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _propose(client: TestClient, world: World, **fields: str | list[str]) -> None:
    sign_in(client, PARTNER)
    url = f"/portal/services/{world.service_a}"
    answer = send(client, client.get(url), url, dict(fields))
    assert answer.status_code == 303, answer.text
    client.cookies.clear()


def _change_id(queue: str) -> str:
    found = re.search(r"/portal/changes/([0-9a-f-]+)/approve", queue)
    assert found
    return found.group(1)


def _shown(page: str) -> str:
    """What a person reads in the page's main part (links' targets left out)."""
    return text_of(page.split('<main id="main">', 1)[1])


def test_the_queue_shows_a_one_word_change_and_languages_by_name(
    client: TestClient, world: World
) -> None:
    _propose(
        client,
        world,
        description="Alpha beds: a fictional shelter for tests.",
        languages=["fr", "bg"],
    )
    sign_in(client, CURATOR)
    queue = client.get("/portal/queue").text
    assert "Alpha beds: a fictional <del>service</del><ins>shelter</ins> for tests." in queue
    words = _shown(queue)
    assert "Languages Added: Bulgarian" in words
    assert "languages[" not in queue and '{"code"' not in queue
    assert not UUID.search(words.split("Approving it would write to or link:")[0])


def test_approving_redirects_to_the_queue_saying_so_once(client: TestClient, world: World) -> None:
    _propose(client, world, name="Alpha night beds")
    csrf = sign_in(client, CURATOR)
    change_id = _change_id(client.get("/portal/queue").text)
    done = client.post(
        f"/portal/changes/{change_id}/approve",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/portal/queue"
    first = client.get("/portal/queue")
    assert "Approved and published." in first.text
    assert "Approved and published." not in client.get("/portal/queue").text
    again = client.post(f"/portal/changes/{change_id}/approve", data={"csrf_token": csrf})
    assert again.status_code == 409
    assert "This no longer applies" in _shown(again.text)
    assert client.get(f"/hsds/services/{world.service_a}").json()["name"] == "Alpha night beds"


def test_rejecting_needs_a_reason_and_the_audit_shows_it(
    client: TestClient, world: World, engine: Engine
) -> None:
    _propose(client, world, name="Alpha beds again")
    csrf = sign_in(client, CURATOR)
    change_id = _change_id(client.get("/portal/queue").text)
    empty = client.post(
        f"/portal/changes/{change_id}/reject", data={"reason": "  ", "csrf_token": csrf}
    )
    assert empty.status_code == 422 and "Reason: please give a reason." in _shown(empty.text)
    assert change_id in client.get("/portal/queue").text  # still waiting
    done = client.post(
        f"/portal/changes/{change_id}/reject",
        data={"reason": "The sign says Alpha beds.", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/portal/queue"
    assert "Rejected." in client.get("/portal/queue").text
    page = client.get("/portal/audit", params={"kind": "rejection"}).text
    audit = _shown(page)
    assert "1 entry" in audit and "Rejection" in audit
    assert "Reason: The sign says Alpha beds." in audit and "By: curator" in audit
    assert "<dt>Name</dt>\n  <dd>Alpha beds<ins> again</ins></dd>" in page  # what it would change


def test_closing_a_suggestion_redirects_and_a_second_close_is_not_found(
    client: TestClient, world: World
) -> None:
    form = client.get(f"/suggest/{world.service_a}")
    client.post(
        f"/suggest/{world.service_a}",
        data={"message": "New phone.", "token": hidden(form.text, "token")},
    )
    csrf = sign_in(client, CURATOR)
    suggestion = re.search(
        r"/portal/suggestions/([0-9a-f-]+)/close", client.get("/portal/queue").text
    )
    assert suggestion
    path = f"/portal/suggestions/{suggestion.group(1)}/close"
    done = client.post(path, data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert "Marked as dealt with." in client.get("/portal/queue").text
    again = client.post(path, data={"csrf_token": csrf})
    assert again.status_code == 404 and "This was not found" in _shown(again.text)


def test_capacity_and_confirmation_are_entries_with_their_labels(
    client: TestClient, world: World
) -> None:
    csrf = sign_in(client, PARTNER)
    client.post(
        f"/portal/services/{world.service_a}/capacity",
        data={"beds_available": "4", "csrf_token": csrf},
    )
    client.post(f"/portal/services/{world.service_a}/confirm", data={"csrf_token": csrf})
    client.cookies.clear()
    sign_in(client, CURATOR)
    audit = _shown(client.get("/portal/audit", params={"service": "alpha"}).text)
    assert "Confirmed as accurate" in audit and "Last confirmed" in audit
    assert "Free beds 4" in audit and "By: partner" in audit
    assert "3 entries" in audit and "Alpha shelter" in audit  # import, capacity, confirmation


def test_the_audit_filters_by_organisation_kind_and_date(client: TestClient, world: World) -> None:
    sign_in(client, CURATOR)

    def audit(**params: str) -> str:
        page = client.get("/portal/audit", params=params)
        assert page.status_code == 200, page.text
        return _shown(page.text)

    assert "2 entries" in audit(kind="import")
    assert "0 entries" in audit(kind="changes")  # all but imports
    only_b = audit(organisation=world.org_b)
    assert "1 entry" in only_b and "Beta advice" in only_b and "Alpha beds" not in only_b
    today = datetime.now(UTC).date()
    assert "2 entries" in audit(**{"from": today.isoformat(), "to": today.isoformat()})
    assert "0 entries" in audit(**{"from": (today + timedelta(days=1)).isoformat()})
    assert "0 entries" in audit(service="no such service")


def test_bad_filters_say_which_field(client: TestClient, world: World) -> None:
    sign_in(client, CURATOR)
    cases = {
        "from": ("2026-13-40", "From (date): please write a date such as 2026-12-03."),
        "to": ("yesterday", "Until (date): please write a date such as 2026-12-03."),
        "kind": ("everything", "Kind: please choose one of the values offered."),
    }
    for field, (value, words) in cases.items():
        page = client.get("/portal/audit", params={field: value})
        assert page.status_code == 422 and words in _shown(page.text), field
    backwards = client.get("/portal/audit", params={"from": "2026-12-03", "to": "2026-12-01"})
    assert backwards.status_code == 422
    assert "Until (date): please choose a day on or after the start date." in backwards.text
    assert client.get("/portal/audit", params={"page": "0"}).status_code == 422
    assert client.get("/portal/audit", params={"service": "x" * 201}).status_code == 422


def test_the_audit_is_paged_and_the_pages_keep_the_filter(
    client: TestClient, world: World, engine: Engine
) -> None:
    many = organization("Gamma network")
    with engine.begin() as connection:
        import_records(
            connection, [service_record(f"Gamma {n}", organization=many) for n in range(55)]
        )
    sign_in(client, CURATOR)
    first = client.get("/portal/audit", params={"organisation": many["id"]}).text
    assert "55 entries" in _shown(first) and "Page 1 of 2" in _shown(first)
    older = re.search(r'href="([^"]+)">Older<', first)
    assert older and "organisation=" + many["id"] in older.group(1)
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert "Page 2 of 2" in _shown(second) and _shown(second).count("Import") >= 5
    assert "Newer" in second and ">Older<" not in second
