"""A partner's pages: the whole service form through the review, post/redirect/get, free beds,
"still accurate", a new service, its changes with the curator's decision, what is due."""

import html as html_lib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.engine import Engine

from directory.changes import at_once, decide, propose
from directory.changes import repository as changes
from directory.hsds.stale import stale_services
from directory.taxonomy import code_of
from tests.api.routes.portal.accounts import CURATOR, PARTNER, sign_in, sign_in_in_language
from tests.api.routes.portal.service_form import Changes, notice_after, send
from tests.api.routes.words_shown import ENGLISH_ONLY, assert_no_english_left
from tests.builders import new_id
from tests.partner_fixtures import World, all_row_counts
from web.i18n import translator


def _edit(client: TestClient, world: World) -> tuple[str, str]:
    url = f"/portal/services/{world.service_a}"
    return url, client.get(url).text


def _waiting_record(engine: Engine, service_id: str) -> dict[str, Any]:
    with engine.connect() as connection:
        change = changes.waiting_change(connection, service_id)
    assert change is not None
    return change.record


def test_an_edit_waits_then_the_page_says_so_once_and_a_curator_publishes_it(
    client: TestClient, world: World
) -> None:
    sign_in(client, PARTNER)
    url = f"/portal/services/{world.service_a}"
    form = client.get(url)
    assert form.status_code == 200 and "Alpha beds" in form.text
    answer = send(
        client,
        form,
        url,
        {
            "name": "Alpha night beds",
            "description": "Beds for the night.",
            "languages": ["fr", "nl"],
        },
    )
    assert answer.status_code == 303 and answer.headers["location"] == url
    shown = client.get(answer.headers["location"])
    assert "waits for a curator" in shown.text and "Alpha night beds" in shown.text
    assert "waits for a curator" not in client.get(url).text.split("<h2>")[0]
    assert client.get(f"/hsds/services/{world.service_a}").json()["name"] == "Alpha beds"
    client.post("/portal/logout", data={"csrf_token": sign_in(client, PARTNER)})

    csrf = sign_in(client, CURATOR)
    queue = client.get("/portal/queue")
    assert "Alpha night beds" in queue.text and "Beds for the night." in queue.text
    change_id = queue.text.split("/portal/changes/")[1].split("/approve")[0]
    client.post(f"/portal/changes/{change_id}/approve", data={"csrf_token": csrf})
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["name"] == "Alpha night beds"
    assert sorted(language["code"] for language in public["languages"]) == ["fr", "nl"]


def test_a_stale_edit_is_refused_with_412_and_keeps_everything_typed(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    old = client.get(url)
    first = send(client, old, url, {"name": "Alpha first edit"})
    assert first.status_code == 303
    before = all_row_counts(engine)
    typed: Changes = {
        "name": "Alpha lost update?",
        "loc-0-phones": "+32 2 555 12 34",
        "hours-MO-opens": "09:00",
        "hours-MO-closes": "17:00",
        "welcome": ["welcome.undocumented"],
    }
    stale = send(client, old, url, typed)
    assert stale.status_code == 412
    text = html_lib.unescape(stale.text)
    assert "The service changed since you opened this page" in text
    assert 'value="Alpha lost update?"' in text and "+32 2 555 12 34</textarea>" in text
    assert 'name="hours-MO-opens" value="09:00"' in text
    assert 'value="welcome.undocumented" checked' in text
    assert all_row_counts(engine) == before
    assert _waiting_record(engine, world.service_a)["name"] == "Alpha first edit"


def test_phones_address_hours_and_who_is_welcome_go_through_the_review(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    sent = send(
        client,
        client.get(url),
        url,
        {
            "phones": "",
            "loc-0-phones": "+32 2 555 12 34\n02 555 56 78",
            "loc-0-address_1": "Rue Haute 12",
            "loc-0-postal_code": "4000",
            "loc-0-city": "Liège",
            "hours-MO-opens": "9:00",
            "hours-MO-closes": "17:00",
            "hours-TU-opens": "09:00",
            "hours-TU-closes": "17:00",
            "hours-SA-opens": "10h00",
            "hours-SA-closes": "12h30",
            "welcome": ["welcome.undocumented", "welcome.asylum_seeker"],
            "genders": ["audience.women"],
            "minimum_age": "18",
            "needs": ["need.emergency_shelter", "need.housing"],
            "offers": ["offers.free", "offers.anonymous"],
            "conditions": ["requires.appointment"],
        },
    )
    assert sent.status_code == 303, sent.text
    record = _waiting_record(engine, world.service_a)
    location = record["service_at_locations"][0]["location"]
    # HSDS phones carry no order: the record lists them by id
    assert sorted(p["number"] for p in location["phones"]) == ["+32 2 555 12 34", "02 555 56 78"]
    assert record["phones"] == []
    address = location["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"]) == (
        "Rue Haute 12",
        "4000",
        "Liège",
    )
    assert 50.5 < location["latitude"] < 50.7 and 5.4 < location["longitude"] < 5.7
    assert "geo.approximate" in {code_of(a) for a in location["attributes"]}
    hours = {(s["byday"], s["opens_at"], s["closes_at"]) for s in record["schedules"]}
    assert hours == {("MO,TU", "09:00", "17:00"), ("SA", "10:00", "12:30")}
    codes = {code_of(a) for a in record["attributes"]}
    assert {"welcome.undocumented", "welcome.asylum_seeker", "audience.women"} <= codes
    assert {"need.housing", "offers.free", "offers.anonymous", "requires.appointment"} <= codes
    assert record["minimum_age"] == 18 and "maximum_age" not in record
    page = client.get(url).text
    assert 'name="hours-SA-opens" value="10:00"' in page and "+32 2 555 12 34" in page


def test_typed_coordinates_are_checked_against_the_town_without_a_map(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    far = send(
        client,
        client.get(url),
        url,
        {"loc-0-postal_code": "1000", "loc-0-latitude": "51.2194", "loc-0-longitude": "4.4025"},
    )
    assert far.status_code == 422
    assert "km from" in html_lib.unescape(far.text)
    near = send(
        client,
        client.get(url),
        url,
        {"loc-0-postal_code": "1000", "loc-0-latitude": "50.8467", "loc-0-longitude": "4.3525"},
    )
    assert near.status_code == 303
    location = _waiting_record(engine, world.service_a)["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (50.8467, 4.3525)
    assert "geo.approximate" not in {code_of(a) for a in location.get("attributes", [])}


def test_every_bad_field_is_named_beside_it_nothing_is_lost_nor_written(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    before = all_row_counts(engine)
    typed: Changes = {
        "name": "",
        "loc-0-phones": "call us maybe",
        "loc-0-postal_code": "9999",
        "loc-0-city": "Nowhere-sur-Mer",
        "hours-WE-opens": "25:00",
        "hours-WE-closes": "17:00",
        "hours-TH-opens": "18:00",
        "hours-TH-closes": "09:00",
        "hours-FR-opens": "09:00",
        "minimum_age": "30",
        "maximum_age": "20",
        "welcome": ["welcome.martian"],
    }
    bad = send(client, client.get(url), url, typed)
    assert bad.status_code == 422
    text = html_lib.unescape(bad.text)
    for problem in (
        "Name: please fill this in.",
        "Place 1: Phones of this place: please write phone numbers with digits only",
        "Place 1: Postcode: this postcode and town were not found in Belgium",
        "Wednesday: opens: please write a time such as 09:00 or 17:30.",
        "Thursday: closes: the closing time is not after the opening time.",
        "Friday: closes: please give both the opening and the closing time, or neither.",
        "Oldest age served: the youngest age is above the oldest.",
        "Residence statuses welcome: please choose one of the values offered.",
    ):
        assert problem in text, problem
    assert 'id="loc-0-postal_code-problem-1"' in text and 'aria-invalid="true"' in text
    assert 'value="Nowhere-sur-Mer"' in text and "call us maybe</textarea>" in text
    assert 'name="hours-WE-opens" value="25:00"' in text
    assert all_row_counts(engine) == before


def test_domain_problems_come_back_beside_their_fields_in_the_portals_language(
    client: TestClient, world: World
) -> None:
    _ = translator("fr", "portal")
    sign_in_in_language(client, PARTNER, "fr")
    url, _page = _edit(client, world)
    sent = send(
        client,
        client.get(url),
        url,
        {"email": "nobody", "languages": ["fr", "xx"]},
    )
    assert sent.status_code == 422
    problem = "please write an e-mail address, such as name@example.org."
    expected = _("{field}: {problem}", field=_("E-mail"), problem=_(problem))
    assert escape(expected) in sent.text, expected
    form = sent.text.split('role="alert"')[1]
    assert 'id="email-problem-1"' in form and 'id="languages-problem-1"' in form
    assert 'is not a "email"' not in html_lib.unescape(sent.text)
    assert 'value="nobody"' in sent.text and 'value="xx" checked' in sent.text
    assert_no_english_left(sent.text, "portal", "fr")


def test_marking_an_address_confidential_publishes_at_once_unmarking_waits(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    marked = send(client, client.get(url), url, {"loc-0-confidential": "on"})
    assert marked.headers["location"] == url
    assert notice_after(client, marked) == "Your change was published at once."
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["service_at_locations"] == [] or all(
        not link.get("location") for link in public["service_at_locations"]
    )
    page = client.get(url)
    assert 'name="loc-0-confidential" value="on" checked' in page.text
    unmarked = send(client, page, url, {"loc-0-confidential": None})
    assert unmarked.headers["location"] == url
    assert notice_after(client, unmarked) == "Your change waits for a curator's review."
    assert client.get(f"/hsds/services/{world.service_a}").json() == public


def test_a_place_can_be_added_and_removed(client: TestClient, world: World, engine: Engine) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    added = send(
        client,
        client.get(url),
        url,
        {
            "loc-0-remove": "on",
            "loc-1-name": "Alpha Antwerp",
            "loc-1-address_1": "Meir 1",
            "loc-1-postal_code": "2000",
            "loc-1-city": "Antwerpen",
            "loc-1-phones": "03 123 45 67",
        },
    )
    assert added.status_code == 303, added.text
    links = _waiting_record(engine, world.service_a)["service_at_locations"]
    assert [link["location"]["name"] for link in links] == ["Alpha Antwerp"]
    assert links[0]["location"]["phones"][0]["number"] == "03 123 45 67"


def test_post_redirect_get_for_beds_and_still_accurate(client: TestClient, world: World) -> None:
    csrf = sign_in(client, PARTNER)
    url = f"/portal/services/{world.service_a}"
    beds = client.post(
        f"{url}/capacity", data={"beds_available": "2", "csrf_token": csrf}, follow_redirects=False
    )
    assert beds.status_code == 303 and beds.headers["location"] == url
    assert "Published: 2 free beds." in client.get(beds.headers["location"]).text
    bad = client.post(f"{url}/capacity", data={"beds_available": "-2", "csrf_token": csrf})
    assert bad.status_code == 422 and "Free beds: please write a whole number" in bad.text
    confirmed = client.post(f"{url}/confirm", data={"csrf_token": csrf}, follow_redirects=False)
    assert confirmed.headers["location"] == url
    assert "confirmed as accurate today" in client.get(confirmed.headers["location"]).text
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["assured_date"] == datetime.now(UTC).date().isoformat()


def test_still_accurate_is_refused_while_a_change_waits(
    client: TestClient, world: World, engine: Engine
) -> None:
    csrf = sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    send(client, client.get(url), url, {"name": "Alpha renamed"})
    page = client.get(url).text
    assert f"{url}/confirm" not in page and "once it is decided, you can confirm" in page
    refused = client.post(f"{url}/confirm", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert "once it is decided, you can confirm" in html_lib.unescape(refused.text)
    assert client.get(f"/hsds/services/{world.service_a}").json().get("assured_date") is None
    api = client.post(
        f"/v1/partner/services/{world.service_a}/confirm", headers=world.auth(world.token_a)
    )
    assert api.status_code == 409 and "waits for review" in str(api.json()["detail"])


def test_a_new_service_proposed_from_the_portal_waits_for_review(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, PARTNER)
    services = client.get("/portal/services")
    assert 'href="/portal/services/new"' in services.text
    form = client.get("/portal/services/new")
    empty = send(client, form, "/portal/services/new", {})
    assert empty.status_code == 422 and "Name: please fill this in." in empty.text
    sent = send(
        client,
        form,
        "/portal/services/new",
        {
            "name": "Alpha day centre",
            "needs": ["need.basic_needs"],
            "loc-0-name": "Alpha day centre",
            "loc-0-postal_code": "1000",
            "loc-0-city": "Bruxelles",
            "loc-0-phones": "+32 2 555 00 11",
        },
    )
    assert sent.status_code == 303, sent.text
    new_url = sent.headers["location"]
    assert new_url.startswith("/portal/services/") and "?" not in new_url
    page = client.get(sent.headers["location"])
    assert "Alpha day centre" in page.text and "waits for a curator" in page.text
    service_id = new_url.rsplit("/", 1)[1]
    record = _waiting_record(engine, service_id)
    assert record["organization_id"] == world.org_a
    assert f'<a href="{new_url}">Alpha day centre</a>' in client.get("/portal/services").text
    with engine.begin() as connection:
        change = changes.waiting_change(connection, service_id)
        assert change is not None
        decide.approve(connection, change_id=change.id)
    public = client.get(f"/hsds/services/{service_id}").json()
    location = public["service_at_locations"][0]["location"]
    assert location["phones"][0]["number"] == "+32 2 555 00 11"
    assert location["addresses"][0]["city"] == "Bruxelles"


def test_the_partner_sees_its_changes_and_the_curators_reason(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    send(client, client.get(url), url, {"name": "Alpha wrong name"})
    with engine.begin() as connection:
        change = changes.waiting_change(connection, world.service_a)
        assert change is not None
        decide.reject(connection, change_id=change.id, reason="Please use the name on your sign.")
    send(client, client.get(url), url, {"description": "Open at night."})
    listing = html_lib.unescape(client.get("/portal/services").text)
    assert "Please use the name on your sign." in listing
    assert "rejected, " + datetime.now(UTC).date().isoformat() in listing
    assert "waiting for review" in listing


def test_a_public_suggestion_reaches_the_partner_of_that_service_only(
    client: TestClient, world: World, engine: Engine
) -> None:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for service_id, text in ((world.service_a, "The number moved."), (world.service_b, "B!")):
            changes.add_suggestion(
                connection, suggestion_id=new_id(), service_id=service_id, message=text, now=now
            )
    sign_in(client, PARTNER)
    listing = client.get("/portal/services").text
    assert "The number moved." in listing and "B!" not in listing


def test_listings_not_confirmed_for_90_days_are_due_as_passerelle_stale_says(
    client: TestClient, world: World, engine: Engine
) -> None:
    today = datetime.now(UTC).date()
    with engine.begin() as connection:
        at_once.publish_at_once(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            edit=at_once.confirmed(today - timedelta(days=91)),
        )
        at_once.publish_at_once(
            connection,
            organization_id=world.org_b,
            service_id=world.service_b,
            edit=at_once.confirmed(today - timedelta(days=89)),
        )
        stale = {item.service_id for item in stale_services(connection, today=today, days=90)}
    assert stale == {world.service_a}
    sign_in(client, PARTNER)
    listing = html_lib.unescape(client.get("/portal/services").text)
    assert "not confirmed in the last 90 days" in listing and "to check" in listing
    edit = html_lib.unescape(client.get(f"/portal/services/{world.service_a}").text)
    assert "not confirmed in the last 90 days" in edit


def test_a_new_service_waiting_for_review_is_editable_without_publish_at_once_forms(
    client: TestClient, world: World, engine: Engine
) -> None:
    service_id = new_id()
    with engine.begin() as connection:
        record = {"id": service_id, "name": "Alpha new", "status": "active"}
        propose.propose_new(connection, organization_id=world.org_a, record=record)
    sign_in(client, PARTNER)
    page = client.get(f"/portal/services/{service_id}")
    assert page.status_code == 200 and "Alpha new" in page.text
    assert "/capacity" not in page.text and "/confirm" not in page.text
    sent = send(client, page, f"/portal/services/{service_id}", {"name": "Alpha newer"})
    assert sent.status_code == 303
    assert _waiting_record(engine, service_id)["name"] == "Alpha newer"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_partner_pages_in_french_and_dutch(client: TestClient, world: World, lang: str) -> None:
    _ = translator(lang, "portal")
    csrf = sign_in_in_language(client, PARTNER, lang)
    services = client.get("/portal/services", headers=ENGLISH_ONLY)  # remembered, not negotiated
    url = f"/portal/services/{world.service_a}"
    edit = client.get(url, headers=ENGLISH_ONLY)
    new = client.get("/portal/services/new", headers=ENGLISH_ONLY)
    beds = client.post(
        f"{url}/capacity",
        data={"beds_available": "-2", "csrf_token": csrf},
        headers=ENGLISH_ONLY,
    )
    client.post(
        f"{url}/capacity",
        data={"beds_available": "3", "csrf_token": csrf},
        headers=ENGLISH_ONLY,
        follow_redirects=False,
    )
    published = client.get(url, headers=ENGLISH_ONLY)
    long_name = send(client, edit, url, {"name": "x" * 501, "hours-MO-opens": "8"})
    assert services.status_code == 200 and "Alpha beds" in services.text
    assert edit.status_code == 200 and published.status_code == 200 and new.status_code == 200
    assert beds.status_code == 422 and long_name.status_code == 422
    for page in (services, edit, new, beds, published, long_name):
        assert f'<html lang="{lang}">' in page.text
        assert_no_english_left(page.text, "portal", lang)
    assert escape(_("My services")) in services.text
    whole_number = _(
        "{field}: {problem}",
        field=_("Free beds"),
        problem=_("please write a whole number from 0 to 100000."),
    )
    assert escape(whole_number) in beds.text
    beds_now = _.ngettext("Published: {n} free bed.", "Published: {n} free beds.", 3)
    assert escape(beds_now) in published.text
    too_long = _("please write at most {limit} characters.", limit=500)
    assert escape(too_long) in long_name.text
    assert escape(_("{day}: opens", day="x").split(":")[1]) in long_name.text


@pytest.mark.parametrize("count", ["61", "9" * 5000])
def test_a_forged_count_of_places_is_refused_without_harm(
    client: TestClient, world: World, count: str
) -> None:
    sign_in(client, PARTNER)
    url, _ = _edit(client, world)
    sent = send(client, client.get(url), url, {"locations": count})
    if len(count) > 4:  # not a count: only the first place is read, and it is unchanged
        assert sent.headers["location"] == url
        assert notice_after(client, sent) == "Nothing was changed."
    else:
        assert sent.status_code == 422
        assert "Places: please give at most 60 locations." in html_lib.unescape(sent.text)
