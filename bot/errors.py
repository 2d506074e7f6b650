"""Errors a person can act on (UserError: shown privately) versus everything else (logged).

Exception text never reaches a chat: an unexpected error is logged with a short reference
and the person sees only "Something went wrong (ref ab12)".
"""

from __future__ import annotations

import secrets

from bot.i18n import _


class UserError(Exception):
    """A mistake or refusal the person can fix; its message is shown to them privately.

    `field` names the argument that was wrong, when one was: a form shows the message under
    that field (a Slack modal stays open with it) and the console asks for that one again."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownCommand(UserError):
    pass


class BadArguments(UserError):
    pass


class NoLabHere(UserError):
    def __init__(self) -> None:
        super().__init__(
            _("This channel has no lab yet. A facilitator can start one with "
            "`/lab setup <name>`.")
        )


class NotAMember(UserError):
    # The lab is not named: whoever is refused is not in it, so its name is not theirs to
    # learn (the words are the same in every lab's channel).
    def __init__(self) -> None:
        super().__init__(
            _("You are not a member of the lab here yet. Type `/lab join` in this channel to "
            "read the confidentiality commitment and join.")
        )


class CommitmentChanged(UserError):
    """A member who accepted the confidentiality commitment before it changed."""

    def __init__(self, changed: str) -> None:
        super().__init__(
            _("The lab's confidentiality commitment changed on {changed}. Type `/lab join` to "
              "read the new text and accept it (the button in your direct messages does the "
              "same); until then the lab's commands wait for you. If you no longer agree, "
              "`/lab leave`.").format(changed=changed)
        )


class PermissionDenied(UserError):
    pass


class LabArchived(UserError):
    """A command or control in a lab that is archived (`/lab archive`): read-only. Its
    members learn who archived it, when, and how to get its record; anyone else only that
    the lab here is archived (its name is not theirs to learn, as with NotAMember)."""

    def __init__(self, lab: str, when: str, who: str | None, *, member: bool) -> None:
        if not member:
            super().__init__(_("The lab here was archived on {when}: it is read-only now.").format(
                when=when))
            return
        super().__init__(
            _("{lab} is archived: {who} archived it on {when}, and it is read-only now. Its "
              "record (every set of minutes, each poll's and vote's results, the terms of "
              "reference and the audit log, in one zip) is yours with `/lab record`; an "
              "operator can write it with `actionlab export --lab \"{lab}\" --out lab.zip`. "
              "`/lab help` and `/lab members` still work.").format(
                lab=lab, who=who or _("a former member"), when=when))


class ReviewerOnly(PermissionDenied):
    """A reviewer of a lab (not a member) tried something other than reviewing."""

    def __init__(self) -> None:
        super().__init__(
            _("You review this lab's applications; that is all a reviewer can do here. Type "
              "`/lab applications` to read and score them. Members' commands are for the lab's "
              "members.")
        )


class NotFound(UserError):
    pass


class Conflict(UserError):
    """The request contradicts the current state (closed poll, lab already set up, ...)."""


class StaleControl(UserError):
    """A control the bot cannot act on: an id it did not write, or that no longer names
    anything, or that names something of a lab the place it was pressed in is not part of.
    All of these get these same words, so a refusal tells an outsider nothing."""

    def __init__(self) -> None:
        super().__init__(
            _("That button belongs to an older version of this message. Run the command "
            "again to get a fresh one.")
        )


def new_reference() -> str:
    """A short reference that ties a log line to what the person was told."""
    return secrets.token_hex(2)


def something_went_wrong(ref: str) -> str:
    return _("Something went wrong (ref {ref}). The operator can find it in the log.").format(
        ref=ref)
