"""What a portal page says once after a form changed something (post/redirect/get), by the code
the form's answer left in a one-shot cookie (`api.routes.portal.notices`): never user text."""

from web import outcomes as outcome_words
from web.i18n import N_, Translator

NOTICES: dict[str, str] = {
    # a partner's own services
    "waits": N_("Your change waits for a curator's review."),
    "published": N_("Your change was published at once."),
    "published_waits": N_(
        "Part of your change was published at once (closing the service, a confidential "
        "address); the rest waits for a curator's review."
    ),
    "beds": N_("Free beds published."),
    "confirmed": N_("Thank you: confirmed as accurate today."),
    "proposed": N_("Thank you: the new service waits for a curator's review."),
    # a curator's work
    "approved": N_("Approved and published."),
    "rejected": N_("Rejected."),
    "suggestion_closed": N_("Marked as dealt with."),
    "suspended": N_("Suspended: the service is no longer public."),
    "unsuspended": N_("The service is public again."),
    "curator_edited": N_("Saved and published."),
    # either
    "nothing_changed": N_("Nothing was changed."),
    "outcome_recorded": outcome_words.RECORDED,
}
"""What each code says, as a msgid of the portal catalog."""


def edit_notice(change_id: str | None, published: list[str]) -> str:
    """The code for what a partner's edit did: published at once, waiting for review, or both."""
    if published and change_id:
        return "published_waits"
    return "published" if published else "waits"


def beds_published(_: Translator, beds: int) -> str:
    """The free-beds notice with the number the service's page now shows."""
    return _.ngettext("Published: {n} free bed.", "Published: {n} free beds.", beds)


def notice_text(_: Translator, code: str) -> str:
    return _(NOTICES[code])
