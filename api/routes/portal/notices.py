"""One-shot messages after a form that changed something (post/redirect/get), for every portal
form: the form's answer is a 303 to a GET page and a short-lived cookie naming what was done; the
next portal page shows the message once and clears the cookie. The cookie holds a code of
`web.portal_notices.NOTICES`, never text: the page chooses the words by that code, in its
language."""

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.portal_security import COOKIE_PATH, is_https
from web.portal_notices import NOTICES

NOTICE_COOKIE = "passerelle_notice"
NOTICE_SECONDS = 120


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
    """The code of the message waiting to be shown on this GET page, if any."""
    if request.method != "GET":
        return None
    code = request.cookies.get(NOTICE_COOKIE, "")
    return code if code in NOTICES else None


def clear_notice(request: Request, response: Response) -> None:
    response.delete_cookie(
        NOTICE_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=is_https(request)
    )
