"""Terms of reference: after a vote closes, the lab writes, agrees and publishes the terms of
reference for the chosen option (the Action Lab's mandate: "draw up a terms of reference for
this specific work", on which grants are offered).

Sections pre-filled from the winner's description, the minutes' decisions and action items and
the lab's settings; members edit a section each through a form holding its current text (a
save names the version it was read at: a stale one is kept, shown what changed and merged,
never lost), comment, and see every version; a consent round (agree, stand aside, object with
a reason, which reopens the section) approves it, with a deadline and the reminders' nudges;
exports in five formats carry the confidentiality notice until the lab marks it public.

`commands` (slash commands and the cards), `actions` (menu, merge, consent buttons),
`service` (loading, pre-filling, consent, the export document); the rules are in
`bot.domain.terms`, the files in `bot.exports.terms`.
"""

from __future__ import annotations

from bot.domain.terms import TermsStatus
from bot.features.terms import actions, commands
from bot.features.terms.service import close_at_deadline, document, not_answered
from bot.i18n import _
from bot.router import Router
from bot.subjects import SubjectInfo
from storage.uow import UnitOfWork

__all__ = ["document", "router"]

router = Router()
for _part in (commands, actions):
    router.include(_part.router)


@router.subject("terms", pending=not_answered, close=close_at_deadline)
async def reminder_info(uow: UnitOfWork, terms_id: int) -> SubjectInfo | None:
    """How a nudge names the consent round: its answer is `/lab terms answer ...`."""
    terms = await uow.terms.get(terms_id)
    if terms is None or terms.status != TermsStatus.CONSENT:
        return None
    return SubjectInfo(
        _("Consent on the terms of reference: {title}").format(
            title=terms.title), moment=terms.consent_closes_at,
        lines=(_("Answer with `/lab terms answer agree`, `stand-aside`, or `object section <n> "
               "reason <text>`; `/lab terms show` shows the draft."),))
