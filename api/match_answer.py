"""The answer of `/v1/match` in its API shape: results, explanations and notices rendered in
the reader's language, and the place the search was understood to be near."""

from collections.abc import Iterable
from typing import Any

from api.match_models import (
    Explanation,
    MatchOrganization,
    MatchPhone,
    MatchPlace,
    MatchResponse,
    MatchResult,
    Notice,
    ServiceSummary,
    UnderstoodPlace,
)
from directory.emergency_numbers import EMERGENCY_NUMBER
from directory.places.local_names import place_name
from matcher.listing import Listing, Phone
from matcher.messages import Message, NoticeCode, message
from matcher.messages import Notice as SafetyNotice
from matcher.rank import Ranking, Result
from web.messages import render


def summary(listing: Listing, phones: Iterable[Phone] | None = None) -> ServiceSummary:
    """What a match answer says of a service: public facts only (no location). `phones`: the
    matched branch's numbers; by default the service's own (central) numbers, never a branch's."""
    phones = listing.phones_at(None) if phones is None else phones
    return ServiceSummary(
        id=listing.id,
        name=listing.name,
        organization=MatchOrganization(id=listing.organization_id, name=listing.organization_name),
        languages=list(listing.languages),
        phones=[phone.number for phone in phones],
        url=listing.url,
        verified=listing.verified,
        sources=list(listing.sources),
    )


def _result(result: Result, lang: str) -> MatchResult:
    listing = result.listing
    site = result.site
    hidden = site is not None and site.confidential
    distance = result.distance_km
    if distance is not None:
        distance = float(round(distance)) if hidden else round(distance, 1)
    return MatchResult(
        service=summary(listing, result.phones),
        location=None
        if site is None or hidden or site.latitude is None or site.longitude is None
        else MatchPlace(
            name=site.name,
            address=site.address,
            latitude=site.latitude,
            longitude=site.longitude,
        ),
        distance_km=distance,
        score=result.score,
        matched_needs=list(result.matched_needs),
        reasons=[render(reason, lang) for reason in result.reasons],
        cautions=[render(caution, lang) for caution in result.cautions],
        reason_codes=[_explanation(reason) for reason in result.reasons],
        caution_codes=[_explanation(caution) for caution in result.cautions],
        phones=[
            MatchPhone(
                number=phone.number, kind=phone.label or "service", confirmed=phone.confirmed
            )
            for phone in result.phones
        ],
    )


def _explanation(item: Message) -> Explanation:
    return Explanation(code=item.code, params=dict(item.params))


def _notice(notice: SafetyNotice, lang: str) -> Notice:
    summary = text = render(notice.message, lang)
    if not notice.phone_confirmed:
        caution = message(NoticeCode.LINE_NOT_CONFIRMED, phone=EMERGENCY_NUMBER)
        text = f"{text} {render(caution, lang)}"
    return Notice(
        kind=notice.kind,
        text=text,
        summary=summary,
        phone=notice.phone,
        phone_confirmed=notice.phone_confirmed,
        service_id=notice.service_id,
    )


def understood_place(place: Any | None, lang: str) -> UnderstoodPlace | None:
    """The place the search is near, named for the reader (never the text as it was typed when
    the gazetteer knows the place: "Bruxeles" is said as "Bruxelles / Brussel")."""
    if place is None or not getattr(place, "name", ""):
        return None
    region = getattr(place, "region", None)
    postcode = getattr(place, "postcode", None)
    municipality = getattr(place, "kind", "") == "municipality"
    return UnderstoodPlace(
        name=place_name(
            place.name, lang=lang, region=region, postcode=postcode if municipality else None
        ),
        postcode=getattr(place, "postcode", None),
        region=region,
    )


def answer(ranking: Ranking, lang: str, *, place: UnderstoodPlace | None = None) -> MatchResponse:
    return MatchResponse(
        results=[_result(result, lang) for result in ranking.results],
        notices=[_notice(notice, lang) for notice in ranking.notices],
        unmet_needs=list(ranking.unmet_needs),
        total=ranking.total,
        place=place,
    )
