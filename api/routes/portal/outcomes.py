"""Referral outcomes, when the deployment enables them (`PASSERELLE_REFERRAL_OUTCOMES`; off:
every page here is 404 and no page links to them).

A signed-in partner, curator or referrer records what became of a referral to one service; the
directory keeps only a counter per service, month and outcome (`directory.outcomes`). The form
posts with the session's CSRF token, is rate limited per account, and answers 303 to its own
page, where the portal's one-shot message (`api.routes.portal.notices`, a short cookie holding
a code) says it was counted. Curators see the counts per service and month, and a prompt to
check the eligibility data of a service often turned away as "not eligible".
"""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import PortalWordsDep, SessionDep, SettingsDep
from api.errors import Refused
from api.matching import LOCAL_TIME
from api.ratelimit import RateLimits
from api.routes.portal import (
    CsrfField,
    SignedInDep,
    check_csrf,
    message_page,
    page,
    router,
)
from api.routes.portal.notices import see_other_saying
from api.settings import Settings
from directory.outcomes.models import Outcome
from directory.outcomes.prompts import NOT_ELIGIBLE_AT_LEAST, eligibility_prompts
from directory.outcomes.repository import month_of, monthly_counts, record_outcome, service_name
from web import outcomes as outcome_words
from web import portal as words_of


def enabled(settings: SettingsDep) -> Settings:
    """These pages exist only where the deployment enables outcomes."""
    if not settings.referral_outcomes:
        raise Refused(404, "page_not_found")
    return settings


Enabled = Depends(enabled)


def _now() -> datetime:
    return datetime.now(LOCAL_TIME)


def _form_page(
    request: Request,
    user: SignedInDep,
    service_id: str,
    name: str,
    *,
    status: int = 200,
    message: str | None = None,
    errors: list[str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "outcome_record.html",
        status=status,
        signed_in=user,
        service_id=service_id,
        service_name=name,
        outcomes=outcome_words.OUTCOMES,
        message=message,
        errors=errors or [],
    )


@router.get("/outcomes", dependencies=[Enabled])
def outcomes(
    request: Request, user: SignedInDep, session: SessionDep, _: PortalWordsDep
) -> HTMLResponse:
    """Curators: the counts per service and month, prompts first. Others: how to record."""
    if not user.principal.is_curator:
        return message_page(
            request,
            200,
            _(outcome_words.OUTCOMES_TITLE),
            _(outcome_words.HOW_TO_RECORD),
            signed_in=user,
        )
    counts = monthly_counts(session.connection())
    return page(
        request,
        "outcome_counts.html",
        signed_in=user,
        counts=counts,
        prompts=eligibility_prompts(counts),
        outcomes=outcome_words.OUTCOMES,
        at_least=NOT_ELIGIBLE_AT_LEAST,
    )


@router.get("/outcomes/{service_id}", dependencies=[Enabled])
def outcome_form(
    request: Request, service_id: str, user: SignedInDep, session: SessionDep, _: PortalWordsDep
) -> HTMLResponse:
    """The form to record one outcome for a service, with the one-shot message after a post."""
    name = service_name(session.connection(), service_id=service_id)
    return _form_page(request, user, service_id, name)


@router.post("/outcomes/{service_id}", dependencies=[Enabled])
def record(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    outcome: Annotated[str | None, Form(max_length=40)] = None,
    csrf_token: CsrfField = None,
) -> Response:
    """Count one outcome; 303 to the form's page, which says it was counted."""
    check_csrf(request, user, csrf_token)
    limits: RateLimits = request.app.state.rate_limits
    limits.check_account("outcomes", user.principal.subject_id)
    name = service_name(session.connection(), service_id=service_id)
    chosen = Outcome.__members__.get(outcome or "")
    if chosen is None:
        problem = words_of.field_says(_, outcome_words.OUTCOME, outcome_words.NOT_AN_OUTCOME)
        return _form_page(request, user, service_id, name, status=422, errors=[problem])
    record_outcome(
        session.connection(),
        service_id=service_id,
        outcome=chosen,
        month=month_of(_now()),
    )
    return see_other_saying(request, f"/portal/outcomes/{service_id}", "outcome_recorded")
