"""Dispatch: one inbound event in, one `Reply` out, inside one unit of work.

A handler that raises leaves nothing recorded, a `UserError` becomes a private message, and
anything else is logged with a short reference that is all the person sees.

Access is decided here, once, by place as well as by person. A lab acts only through the
channels bound to it, or through a direct message of one of its active members (on the
platform and workspace that member's identity belongs to). A command finds its lab from the
channel it was typed in; a control (button, menu, form, see `Scope`) carries an id that
names a lab, poll, vote, ... and the dispatcher resolves that to its lab and refuses, with
the words of a stale control and nothing written, a control pressed anywhere that lab does
not act through.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from bot import action_ids
from bot.action_ids import ActionId, StaleActionId
from bot.arguments import (
    Args,
    NoArgs,
    build,
    command_line,
    fields_of,
    normalize_options,
    parse_text,
)
from bot.context import Context
from bot.domain.lab import Role, awaits_acceptance
from bot.domain.zones import format_local
from bot.errors import (
    BadArguments,
    CommitmentChanged,
    LabArchived,
    NoLabHere,
    NotAMember,
    PermissionDenied,
    ReviewerOnly,
    StaleControl,
    UnknownCommand,
    UserError,
    new_reference,
    something_went_wrong,
)
from bot.handlers import (
    OPEN_SCOPES,
    Access,
    ActionSpec,
    Call,
    CommandSpec,
    Completer,
    Handler,
    ReactionHandler,
    Scope,
    own_direct_message,
    parse_ref,
    require_role,
)
from bot.i18n import N_, _, reset_locale, resolve, set_locale
from bot.identity import ensure_person
from bot.messages import (
    NOTHING,
    Action,
    Actor,
    Button,
    Buttons,
    Card,
    Command,
    File,
    Inbound,
    Limits,
    Place,
    Reaction,
    Reply,
    Submission,
    Text,
    shorten,
)
from bot.zone_prompt import ask_zone_once
from storage.models import (
    ActionItem,
    Application,
    Lab,
    LabCall,
    Membership,
    Minutes,
    Person,
    Poll,
    Reminder,
    Vote,
)
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

_NEEDS: dict[Access, Role] = {
    "member": Role.MEMBER, "secretary": Role.SECRETARY, "facilitator": Role.FACILITATOR,
}
ATTACHED = N_("What you entered is attached, as one line to correct and send.")
FORM_ROUTE = "form"  # a form whose submission runs a command: al1:form:<poll.new>[:<draft>]
REOPEN_ROUTE = "form.reopen"  # a refused form opened again: al1:form.reopen:<lab>:<draft>
DRAFT_LIFETIME = timedelta(days=1)  # how long what was typed into a refused form is kept


class Routes(Protocol):
    """What the dispatcher reads of the registry (bot/router.py's `Router`)."""

    @property
    def commands(self) -> Mapping[str, CommandSpec]: ...

    @property
    def actions(self) -> Mapping[str, ActionSpec]: ...

    @property
    def reactions(self) -> Mapping[str, ReactionHandler]: ...

    @property
    def completers(self) -> Mapping[str, Completer]: ...

    def resolve(self, text: str) -> tuple[CommandSpec, str]: ...

    def unknown(self, words: list[str]) -> str: ...


class Dispatcher:
    """Runs the handlers a registry holds: commands, controls, forms, reactions and
    autocomplete, each after the one access check."""

    def __init__(self, routes: Routes) -> None:
        self.routes = routes

    async def dispatch(self, ctx: Context, event: Inbound) -> Reply:
        """Handle one inbound event; never raises. The reply is built in the reader's language:
        the platform's until the person and the lab are known, then `reader_locale`'s."""
        token = set_locale(resolve(event.actor.locale))
        try:
            return await ask_zone_once(ctx, event, await self._answer(ctx, event))
        finally:
            reset_locale(token)

    async def _answer(self, ctx: Context, event: Inbound) -> Reply:
        try:
            match event:
                case Command():
                    return await self._command(ctx, event)
                case Action():
                    return await self._action(ctx, event)
                case Submission():
                    return await self._submission(ctx, event)
                case Reaction():
                    return await self._reaction(ctx, event)
        except UserError as exc:
            return Reply.say(exc.message)
        except Exception:
            ref = new_reference()
            log.exception("unhandled error ref=%s event=%s", ref, type(event).__name__)
            return Reply.say(something_went_wrong(ref))
        return NOTHING

    async def complete(
        self, ctx: Context, actor: Actor, place: Place, kind: str, typed: str
    ) -> list[tuple[str, str]]:
        """Autocomplete choices for an argument of `kind`; never raises (an empty list)."""
        completer = self.routes.completers.get(kind)
        if completer is None:
            return []

        async def run(call: Call[Any]) -> Reply:
            found.extend((await completer(call, typed))[:25])
            return NOTHING

        found: list[tuple[str, str]] = []
        try:
            await self._run(ctx, actor, place, "anyone", f"complete:{kind}", run, NoArgs(),
                            completing=True)
        except Exception:
            log.exception("completer %s failed", kind)
            return []
        return found

    async def _command(self, ctx: Context, cmd: Command) -> Reply:
        if cmd.name is not None:
            spec = self.routes.commands.get(cmd.name.lower())
            if spec is None:
                raise UnknownCommand(self.routes.unknown(cmd.name.split()))
            raw = normalize_options(spec.args, dict(cmd.options or {}))
            return await self._run_command(ctx, cmd.actor, cmd.place, spec, raw)
        spec, rest = self.routes.resolve(cmd.text)
        if not rest and spec.form is not None and _has_required(spec.args):
            build_form = spec.form

            async def open_form(call: Call[Any]) -> Reply:
                return Reply(form=await build_form(call))

            return await self._run(
                ctx, cmd.actor, cmd.place, spec.access, spec.name, open_form, NoArgs(),
                open_when_archived=spec.open_when_archived,
            )
        try:
            raw = parse_text(spec.args, rest) if rest else {}
        except BadArguments as exc:
            if "Usage:" in exc.message:
                raise
            raise BadArguments(_("{message}\nUsage: `{usage}`").format(
                message=exc.message, usage=spec.usage)) from None
        return await self._run_command(ctx, cmd.actor, cmd.place, spec, raw)

    async def _run_command(
        self, ctx: Context, actor: Actor, place: Place, spec: CommandSpec,
        raw: dict[str, Any],
    ) -> Reply:
        args = build(spec.args, raw, spec.usage)
        return await self._run(ctx, actor, place, spec.access, spec.name, spec.handler, args,
                               open_when_archived=spec.open_when_archived)

    def _control(self, raw: str) -> tuple[ActionSpec, ActionId]:
        """The registered control an id names, with its ref checked; else StaleControl."""
        try:
            aid = action_ids.decode(raw)
        except StaleActionId:
            raise StaleControl() from None
        spec = self.routes.actions.get(aid.route)
        if spec is None:
            raise StaleControl()
        if spec.scope != "none":
            parse_ref(aid.ref)
        return spec, aid

    async def _action(self, ctx: Context, event: Action) -> Reply:
        spec, aid = self._control(event.action_id)
        return await self._run(
            ctx, event.actor, event.place, spec.access, spec.route, spec.handler, NoArgs(),
            scope=spec.scope, action=aid, values=event.values, message=event.message,
            open_when_archived=spec.open_when_archived,
        )

    async def _submission(self, ctx: Context, event: Submission) -> Reply:
        try:
            aid = action_ids.decode(event.form_id)
        except StaleActionId:
            raise StaleControl() from None
        if aid.route == FORM_ROUTE:
            name = aid.ref.replace(".", " ")
            if name not in self.routes.commands:
                raise StaleControl()
            values = await self._with_draft(ctx, event, aid)
            try:
                return await self._command(
                    ctx, Command(event.actor, event.place, name=name, options=values)
                )
            except StaleControl:
                raise
            except UserError as exc:
                return await self._refused_form(ctx, event, name, values, exc)
        spec, aid = self._control(event.form_id)
        return await self._run(
            ctx, event.actor, event.place, spec.access, spec.route, spec.handler, NoArgs(),
            scope=spec.scope, action=aid, fields=event.values,
        )

    async def _with_draft(self, ctx: Context, event: Submission, aid: ActionId
                          ) -> dict[str, Any]:
        """A command form's values. A form opened from a draft (`al1:form:<command>:<draft>`,
        a previewed vote's Change) keeps the draft's other arguments, those the form has no
        field for (a vote's `results live`); what the form sent wins, blanks included."""
        values: dict[str, Any] = dict(event.values)
        if aid.arg is None or not aid.arg.isdigit():
            return values
        async with ctx.uow() as uow:
            person = await uow.people.by_identity(event.actor.platform, event.actor.workspace,
                                                  event.actor.user_id)
            draft = await uow.drafts.live(int(aid.arg), person.id, ctx.clock.now()) \
                if person is not None else None
        kept = draft.payload.get("values") if draft is not None else None
        if not isinstance(kept, dict):
            return values
        return {**{k: v for k, v in kept.items() if k not in values}, **values}

    async def check_form(self, ctx: Context, event: Submission) -> dict[str, str]:
        """The mistakes of a command form, keyed by the form's fields, found before
        anything runs and with nothing written: its values parsed with the command's
        arguments model, then the command's own `check`. {} when none is found, when the
        form is no command form, or when the lab or the person's role would refuse it
        anyway (the submission then runs as usual and says so). Never raises."""
        token = set_locale(resolve(event.actor.locale))
        try:
            return await self._check_form(ctx, event)
        except Exception:
            log.exception("checking a form failed; it goes on unchecked")
            return {}
        finally:
            reset_locale(token)

    async def _check_form(self, ctx: Context, event: Submission) -> dict[str, str]:
        try:
            aid = action_ids.decode(event.form_id)
        except StaleActionId:
            return {}
        spec = self.routes.commands.get(aid.ref.replace(".", " ")) \
            if aid.route == FORM_ROUTE else None
        if spec is None or not event.values:
            return {}
        values = await self._with_draft(ctx, event, aid)
        try:
            args = build(spec.args, normalize_options(spec.args, values), spec.usage)
        except BadArguments as exc:
            return _keyed(event, exc)
        check = spec.check
        if check is None:
            return {}
        found: list[UserError] = []

        async def run(call: Call[Any]) -> Reply:
            try:
                await check(call)
            except UserError as exc:
                found.append(exc)
            return NOTHING

        try:
            await self._run(ctx, event.actor, event.place, spec.access, spec.name, run, args,
                            dry=True)
        except UserError:
            return {}  # not the form's fault (no lab here, not a facilitator): said later
        return _keyed(event, found[0]) if found else {}

    async def _refused_form(self, ctx: Context, event: Submission, name: str,
                            values: Mapping[str, Any], exc: UserError) -> Reply:
        """Why a form was refused, and everything typed into it as the one line that does the
        same, to correct and send; a line too long for a message comes as a file. Where the
        form was sent in a lab, what was typed is also kept as a draft for a while, and a
        "Fix the form" button opens the form again filled with it: Slack and Discord close
        a form when it is sent (Discord cannot answer a form with a form), so otherwise the
        typing would be lost."""
        spec, problem = self.routes.commands[name], exc.message
        line = command_line(name, spec.args, normalize_options(spec.args, dict(values)))
        text = _("{problem}\nWhat you entered, as one line to correct and send: `{line}`").format(
            problem=problem, line=line)
        if len(text) <= Limits.PLAIN_TEXT:
            reply = Reply.say(text)
        else:
            reply = Reply(
                text=shorten(problem, Limits.PLAIN_TEXT - len(_(ATTACHED)) - 1) + "\n"
                + _(ATTACHED),
                files=(File(f"{name.replace(' ', '-')}.txt", line.encode(), "text/plain"),),
            )
        if isinstance(exc, PermissionDenied | NoLabHere | NotAMember | CommitmentChanged):
            return reply  # nothing to correct in the form
        button = await self._keep_draft(ctx, event, name, values)
        if button is None:
            return reply
        return reply.then(Reply(card=Card((
            Text(_("Or open the form again, filled with what you typed, and correct it "
                   "there.")),
            Buttons((button,)),
        ), fallback=_("Fix the form"))))

    async def _keep_draft(self, ctx: Context, event: Submission, name: str,
                          values: Mapping[str, Any]) -> Button | None:
        """Keep what was typed into a refused form as a draft of the lab the form was sent
        in; the button that opens it again, or None (no lab here, or it could not be kept)."""
        place, now = event.place, ctx.clock.now()
        try:
            async with ctx.uow() as uow:
                lab = None if place.direct else await uow.labs.by_channel(
                    place.platform, place.workspace, place.channel)
                if lab is None or not _answerable(values):
                    return None
                person = await ensure_person(ctx, uow, event.actor, now)
                draft = await uow.drafts.add(
                    kind="form", lab_id=lab.id, person_id=person.id, now=now,
                    expires_at=now + DRAFT_LIFETIME,
                    payload={"command": name, "form_id": event.form_id,
                             "values": {k: v for k, v in values.items()
                                        if isinstance(v, str)}})
                await uow.commit()
        except Exception:
            log.exception("could not keep a refused form's draft")
            return None
        return Button(_("Fix the form"), action_ids.encode(REOPEN_ROUTE, lab.id, draft.id),
                      style="primary")
    async def _reaction(self, ctx: Context, event: Reaction) -> Reply:
        handler = self.routes.reactions.get(event.emoji)
        if handler is None:
            return NOTHING  # most reactions are just people reacting
        return await self._run(
            ctx, event.actor, event.place, "member", f"reaction:{event.emoji}", handler,
            NoArgs(), message=event.message, reaction=event,
        )

    async def _run(
        self, ctx: Context, actor: Actor, place: Place, access: Access, name: str,
        handler: Handler, args: Args, *, scope: Scope | None = None, completing: bool = False,
        open_when_archived: bool = False, dry: bool = False, **extra: Any,
    ) -> Reply:
        """Run `handler` in one unit of work, after the one access check every route passes:
        the lab is the channel's (a command, a reaction, autocomplete) or the one the
        control's id names (`scope`), and the place must be one that lab acts through. An
        archived lab answers every command and control but those open when archived with
        how to get its record (`LabArchived`).
        Anything refused here rolls back, the person row made on first contact included;
        so does everything a `dry` run did (checking a form)."""
        now = ctx.clock.now()
        async with ctx.uow() as uow:
            person = await ensure_person(ctx, uow, actor, now)
            if scope is not None and scope != "none":
                aid = extra.get("action")
                assert isinstance(aid, ActionId)
                lab, member = await _lab_of_control(uow, actor, place, person, scope, aid)
            else:
                lab = None
                if not place.direct:
                    lab = await uow.labs.by_channel(place.platform, place.workspace,
                                                    place.channel)
                member = await _active_member(uow, lab, person)
                if completing and member is None:
                    lab = None  # suggestions from a lab are for its members only
                if access == "reviewer" and lab is None and place.direct:
                    lab = await _reviewed_lab(uow, person)
                    member = await _active_member(uow, lab, person)
            call: Call[Any] = Call(
                ctx=ctx, uow=uow, actor=actor, place=place, person=person, now=now, args=args,
                lab=lab, member=member, **extra,
            )
            set_locale(reader_locale(person, lab, actor.locale))
            if lab is not None and lab.archived_at is not None and not open_when_archived \
                    and not completing:
                raise await _archived(uow, lab, member, call.zone)
            if access != "anyone":
                if lab is None and place.direct:
                    raise UserError(self._direct_message_hint(name))
                if lab is None:
                    raise NoLabHere()
                if scope in OPEN_SCOPES and place.direct and member is None and \
                        access in _NEEDS:
                    raise StaleControl()  # a member's control, pressed by someone who is not
                if access == "reviewer":
                    await _require_reviewer(uow, lab, person, member, control=scope is not None)
                elif member is None and await uow.applications.is_reviewer(lab.id, person.id):
                    raise ReviewerOnly()
                elif access != "lab":
                    what = _("do that") if scope is not None else _("use `/lab {name}`").format(
                        name=name)
                    await require_role(call, _NEEDS[access], what=what)
                    assert member is not None
                    if awaits_acceptance(accepted_at=member.accepted_at,
                                         changed_at=lab.commitment_changed_at):
                        assert lab.commitment_changed_at is not None
                        raise CommitmentChanged(format_local(lab.commitment_changed_at,
                                                             call.zone))
            reply = await handler(call)
            if not dry:
                await uow.commit()
            return reply

    def _direct_message_hint(self, name: str) -> str:
        here = sorted(n for n, spec in self.routes.commands.items()
                      if spec.access == "anyone" and spec.in_direct)
        listing = ", ".join(f"`/lab {n}`" for n in here)
        return (_("`/lab {name}` works in the lab's channel, where the lab's members are. In a "
                "direct message you can use {listing}.").format(name=name, listing=listing))


async def _archived(uow: UnitOfWork, lab: Lab, member: Membership | None, zone: str
                    ) -> LabArchived:
    """What a command or control in an archived lab is told: by whom and when (in the
    reader's zone), and how to get the lab's record."""
    assert lab.archived_at is not None
    who = None
    if lab.archived_by_id is not None:
        person = await uow.people.get(lab.archived_by_id)
        who = person.display_name if person is not None else None
    return LabArchived(lab.name, format_local(lab.archived_at, zone), who,
                       member=member is not None)


def reader_locale(person: Person | None, lab: Lab | None, platform: str | None = None) -> str:
    """A reader's language, in order: what they chose (`/lab lang`), what their platform
    reports (Slack's profile, Discord's client), the lab's (`/lab settings lang`), English."""
    return resolve(person.language if person is not None else None,
                   platform or (person.platform_locale if person is not None else None),
                   lab.language if lab is not None else None)


async def _active_member(uow: UnitOfWork, lab: Lab | None, person: Person) -> Membership | None:
    if lab is None:
        return None
    member = await uow.members.get(lab.id, person.id)
    return member if member is not None and member.active else None


async def _lab_id_of(uow: UnitOfWork, scope: Scope, ref: int) -> int | None:
    """The lab that the row a control names belongs to, or None if there is no such row."""
    if scope == "lab":
        lab = await uow.labs.get(ref)
        return lab.id if lab is not None else None
    owner: Poll | Vote | Minutes | ActionItem | Reminder | LabCall | Application | None
    if scope == "poll":
        owner = await uow.polls.get(ref)
    elif scope == "vote":
        owner = await uow.votes.get(ref)
    elif scope == "minutes":
        owner = await uow.minutes.get(ref)
    elif scope == "item":
        owner = await uow.action_items.get(ref)
    elif scope == "reminder":
        owner = await uow.reminders.get(ref)
    elif scope == "call":
        owner = await uow.applications.call(ref)
    elif scope == "application":
        owner = await uow.applications.get(ref)
    else:  # pragma: no cover - registration refuses any other scope
        raise AssertionError(scope)
    return owner.lab_id if owner is not None else None


async def _lab_of_control(
    uow: UnitOfWork, actor: Actor, place: Place, person: Person, scope: Scope, aid: ActionId,
) -> tuple[Lab, Membership | None]:
    """The lab a control acts in, and the caller's active membership of it, if the place it
    was pressed in is one that lab acts through: one of its bound channels, or a direct
    message of an active member. Anything else is refused exactly like an unknown id."""
    lab_id = await _lab_id_of(uow, scope, parse_ref(aid.ref))
    lab = await uow.labs.get(lab_id) if lab_id is not None else None
    if lab is None:
        raise StaleControl()
    member = await _active_member(uow, lab, person)
    if place.direct:
        if not own_direct_message(actor, place):
            raise StaleControl()
        if member is None and scope not in OPEN_SCOPES:
            raise StaleControl()
        if member is None and not any(
                c.platform == place.platform and c.workspace == place.workspace
                for c in await uow.labs.channels(lab.id)):
            raise StaleControl()  # only people the lab's own workspace or server lets in
    else:
        here = await uow.labs.by_channel(place.platform, place.workspace, place.channel)
        if here is None or here.id != lab.id:
            raise StaleControl()
    return lab, member


async def _reviewed_lab(uow: UnitOfWork, person: Person) -> Lab | None:
    """In a direct message, the one lab whose applications this person reviews (as a
    reviewer, else as a facilitator); None if there is none or more than one."""
    labs = {r.lab_id for r in await uow.applications.reviewing(person.id)}
    if not labs:
        labs = {m.lab_id for m in await uow.members.labs_of(person.id)
                if m.role is Role.FACILITATOR}
    return await uow.labs.get(labs.pop()) if len(labs) == 1 else None


async def _require_reviewer(uow: UnitOfWork, lab: Lab, person: Person,
                            member: Membership | None, *, control: bool) -> None:
    if member is not None and member.role is Role.FACILITATOR:
        return
    if await uow.applications.is_reviewer(lab.id, person.id):
        return
    if control:
        raise StaleControl()
    raise PermissionDenied(
        _("Only the lab's facilitators and reviewers can read and score applications. A "
          "facilitator can add a reviewer with `/lab reviewer add <name>`.")
    )


def _keyed(event: Submission, exc: UserError) -> dict[str, str]:
    """A mistake under the field it is about; one no field of the form holds goes under
    its first field. The usage line is left out: the form is the usage."""
    field = exc.field if exc.field is not None and exc.field in event.values else \
        next(iter(event.values))
    message = exc.message.split("\nUsage:")[0].strip()
    return {field: shorten(message, Limits.FIELD_ERROR)}


def _answerable(values: Mapping[str, Any]) -> bool:
    return any(isinstance(v, str) and v.strip() for v in values.values())


def _has_required(model: type[Args]) -> bool:
    return any(f.required for f in fields_of(model))
