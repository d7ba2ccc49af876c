"""One-shot messages after a form that changed something (post/redirect/get): the form's answer
is a 303 to a GET page and a short-lived cookie naming what was done; the next portal page shows
the message once and clears the cookie. The cookie holds a code of `NOTICES`, never text."""

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.portal_security import COOKIE_PATH, is_https
from web import outcomes as outcome_words
from web.i18n import N_

NOTICE_COOKIE = "passerelle_notice"
NOTICE_SECONDS = 120
NOTICES = {
    "approved": N_("Approved and published."),
    "rejected": N_("Rejected."),
    "suggestion_closed": N_("Marked as dealt with."),
    "suspended": N_("Suspended: the service is no longer public."),
    "unsuspended": N_("The service is public again."),
    "curator_edited": N_("Saved and published."),
    "nothing_changed": N_("Nothing was changed."),
    "outcome_recorded": outcome_words.RECORDED,
}
"""What each code says, as a msgid of the portal catalog."""


def see_other_saying(request: Request, location: str, notice: str) -> RedirectResponse:
    """303 to `location`, whose page will say `NOTICES[notice]` once."""
    assert notice in NOTICES
    response = RedirectResponse(location, status_code=303)
    response.set_cookie(
        NOTICE_COOKIE,
        notice,
        max_age=NOTICE_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )
    return response


def waiting_notice(request: Request) -> str | None:
    """The msgid of the message waiting to be shown on this GET page, if any."""
    if request.method != "GET":
        return None
    return NOTICES.get(request.cookies.get(NOTICE_COOKIE, ""))


def clear_notice(request: Request, response: Response) -> None:
    response.delete_cookie(
        NOTICE_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=is_https(request)
    )
