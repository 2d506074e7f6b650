"""The console adapter: reads lines (a terminal or piped input), runs them through the real
core, and prints every card as text with numbered controls.

It is the quick start (`actionlab run` with no credentials), the demo's stage and the
harness for end-to-end tests written as transcripts (`send` returns what a line printed).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from adapters.console.render import Numbered, render_card, render_text
from adapters.console.translate import (
    CONSOLE_HELP,
    Blank,
    Chat,
    Invalid,
    Meta,
    Press,
    React,
    Slash,
    SwitchChannel,
    SwitchUser,
    read_line,
)
from bot.context import Context
from bot.i18n import _
from bot.identity import zone_of
from bot.messages import (
    Action,
    Actor,
    Audience,
    Button,
    Card,
    Command,
    File,
    Form,
    Inbound,
    Input,
    MessageRef,
    Place,
    Platform,
    Reaction,
    Recipient,
    Reply,
    Select,
    Submission,
)

WORKSPACE = "local"
REASK_ROUNDS = 3  # times a form's wrong fields are asked again before it goes as it is
LineReader = Callable[[], Awaitable[str | None]]


def slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.strip().casefold()).strip("-") or "someone"


@dataclass
class _Control:
    number: int
    control: Button | Select
    place: Place
    message: MessageRef
    only_for: str | None


@dataclass
class _Message:
    place: Place
    author: Actor | None
    text: str
    controls: list[int] = field(default_factory=list)
    only_for: str | None = None  # the user id of the one person who sees it, if private


class ConsoleMessenger:
    """The Messenger port for the console: posts, updates and direct messages are printed."""

    platform: Platform = "console"

    def __init__(self, console: ConsoleAdapter) -> None:
        self._console = console

    async def post(self, place: Place, card: Card, files: tuple[File, ...] = ()) -> MessageRef:
        return await self._console.show(place, card, None, files, note="actionlab")

    async def update(self, ref: MessageRef, card: Card) -> None:
        place = Place("console", ref.workspace, ref.channel)
        await self._console.show(place, card, None, (), note="actionlab", replaces=ref)

    async def audience(self, place: Place) -> Audience:
        """The console is read only by whoever types at it."""
        return Audience.RESTRICTED

    async def notify(
        self, recipient: Recipient, card: Card, files: tuple[File, ...] = ()
    ) -> MessageRef:
        name = self._console.name_of(recipient.user_id)
        place = Place("console", recipient.workspace, f"dm-{recipient.user_id}", direct=True)
        return await self._console.show(
            place, card, None, files, note=_("actionlab → {name} (direct message)").format(
                name=name),
            viewer=recipient, private=True,
        )


class ConsoleAdapter:
    platform: Platform = "console"

    def __init__(
        self, ctx: Context, *, out: TextIO | None = None, user: str = "you",
        channel: str = "lab", files_dir: str | Path | None = None, echo: bool = True,
        locale: str | None = None,
    ) -> None:
        self.ctx = ctx
        # The language of this terminal, as a Slack profile or a Discord client reports
        # theirs: each person typing here reads it unless they chose another (`/lab lang`).
        self.locale = locale
        self.out = out or sys.stdout
        self.echo = echo
        self.files_dir = Path(files_dir or ctx.settings.console.files_dir)
        self.channel = channel
        self._names: dict[str, str] = {}
        self.actor = self._actor(user)
        self._controls: dict[int, _Control] = {}
        self._messages: dict[int, _Message] = {}
        self._next_control = 1
        self._next_message = 1
        self._queued: list[str] = []
        self._after_form: list[str] = []  # lines a form stopped at, run after it
        self._reader: LineReader | None = None
        self.messenger = ConsoleMessenger(self)
        ctx.messengers.register(self.messenger)

    # --- who and where -------------------------------------------------------------------

    def _actor(self, name: str) -> Actor:
        user_id = slug(name)
        known = self._names.get(user_id)
        if known is None:
            self._names[user_id] = name.strip()
        return Actor("console", WORKSPACE, user_id, self._names[user_id], locale=self.locale)

    def become(self, name: str) -> None:
        """Act as `name` from now on (created on first use)."""
        self.actor = self._actor(name)

    @property
    def last_message(self) -> int:
        """The number of the newest message on screen (what `:react memo <m>` takes)."""
        return self._next_message - 1

    def name_of(self, user_id: str) -> str:
        return self._names.get(user_id, user_id)

    @property
    def place(self) -> Place:
        return Place("console", WORKSPACE, self.channel)

    # --- output ------------------------------------------------------------------------

    def write(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    async def _zone(self, who: Recipient, place: Place) -> str | None:
        """The reader's zone; for someone who has not set one, the zone of the lab whose
        channel this is (the lab's own cards use it too), else None (shown as UTC)."""
        async with self.ctx.uow() as uow:
            zone = await zone_of(uow, who)
            if zone is None and not place.direct:
                lab = await uow.labs.by_channel(place.platform, place.workspace, place.channel)
                zone = lab.timezone if lab is not None else None
            return zone

    async def show(
        self, place: Place, card: Card | None, text: str | None, files: tuple[File, ...], *,
        note: str, viewer: Recipient | None = None, replaces: MessageRef | None = None,
        private: bool = False,
    ) -> MessageRef:
        """Print one message; its controls get numbers and the message gets an `m` number."""
        number = self._next_message
        self._next_message += 1
        ref = MessageRef("console", place.workspace, place.channel, f"m{number}",
                         link=f"console://{place.channel}/m{number}")
        if replaces is not None:
            note += _(" (replaces {message_id})").format(message_id=replaces.message_id)
            self._retire(replaces)
        where = _("direct message") if place.direct else f"#{place.channel}"
        self.write(f"[m{number}] {where} · {note}")
        who = viewer or Recipient("console", WORKSPACE, self.actor.user_id)
        zone = await self._zone(who, place)
        now = self.ctx.clock.now()
        body: list[str] = []
        numbered: list[Numbered] = []
        if card is not None:
            body, numbered = render_card(card, zone=zone, now=now,
                                         first_number=self._next_control)
        if text is not None:
            body += ["  " + line for line in render_text(text, zone, now).split("\n")]
        for line in body:
            self.write(line)
        only_for = viewer.user_id if private and viewer is not None else None
        message = _Message(place, None, card.fallback if card and card.fallback else
                           "\n".join(body).strip(), only_for=only_for)
        for item in numbered:
            self._controls[item.number] = _Control(item.number, item.control, place, ref,
                                                   only_for)
            message.controls.append(item.number)
            self._next_control = item.number + 1
        for file in files:
            self.write(f"  [file] {self._save(number, file)}" +
                       (f" — {file.alt}" if file.alt else ""))
        self._messages[number] = message
        return ref

    def _retire(self, ref: MessageRef) -> None:
        old = self._messages.get(int(ref.message_id.lstrip("m") or 0))
        if old is not None:
            for n in old.controls:
                self._controls.pop(n, None)
            old.controls.clear()

    def _save(self, number: int, file: File) -> str:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / f"m{number}-{Path(file.name).name}"
        # Exports and ballots are confidential: readable by their owner only.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(file.data)
        return str(path)

    async def deliver(self, reply: Reply, actor: Actor, place: Place,
                      source: MessageRef | None = None) -> None:
        await self._deliver_one(reply, actor, place, source)
        for followup in reply.followups:
            await self.deliver(followup, actor, place)

    async def _deliver_one(self, reply: Reply, actor: Actor, place: Place,
                           source: MessageRef | None) -> None:
        if reply.empty:
            return
        if reply.card is not None or reply.text is not None or reply.files:
            note = "actionlab" if not reply.private else _("only {display_name} sees this").format(
                display_name=actor.display_name)
            await self.show(
                place, reply.card, reply.text, reply.files, note=note,
                viewer=Recipient("console", WORKSPACE, actor.user_id),
                replaces=source if reply.replace else None, private=reply.private,
            )
        if reply.form is not None:
            await self._fill(reply.form, actor, place)

    # --- input -------------------------------------------------------------------------------

    async def dispatch(self, event: Inbound, source: MessageRef | None = None) -> None:
        reply = await self.ctx.router.dispatch(self.ctx, event)
        await self.deliver(reply, event.actor, event.place, source)

    async def send(self, line: str) -> bool:
        """Handle one typed line, then any line a form it opened stopped at; False means the
        person asked to quit."""
        if not await self._handle(line):
            return False
        while self._after_form:
            following = self._after_form.pop(0)
            if self.echo:
                self.write(f"{self.actor.display_name}> {following}")
            if not await self._handle(following):
                return False
        return True

    async def _handle(self, line: str) -> bool:
        match read_line(line):
            case Blank():
                pass
            case Slash(text=text):
                await self.dispatch(Command(self.actor, self.place, text=text))
            case Press() as press:
                await self._press(press)
            case SwitchUser(name=name):
                self.become(name)
                self.write(_("  (you are now {display_name})").format(
                    display_name=self.actor.display_name))
            case SwitchChannel(channel=channel):
                self.channel = channel
                self.write(_("  (you are now in #{channel})").format(channel=channel))
            case React(emoji=emoji, message=n):
                await self._react(emoji, n)
            case Chat(text=text):
                number = self._next_message
                self._next_message += 1
                self._messages[number] = _Message(self.place, self.actor, text)
                self.write(f"[m{number}] #{self.channel} · {self.actor.display_name}: {text}")
            case Meta(word="help"):
                self.write(_(CONSOLE_HELP))
            case Meta(word="quit"):
                return False
            case Invalid(message=message):
                self.write(f"  {message}")
        return True

    async def _press(self, press: Press) -> None:
        control = self._find_control(press)
        if control is None:
            what = press.control if press.control is not None else f"'{press.label}'"
            self.write(_("  There is no control {what} on screen for you. Controls are the "
                       "[numbers] next to buttons and menus.").format(what=what))
            return
        if control.only_for not in (None, self.actor.user_id):
            self.write(_("  Control {number} is on a message only "
                       "{name_of} can see.").format(
                number=control.number, name_of=self.name_of(control.only_for)))
            return
        values: tuple[str, ...] = ()
        if isinstance(control.control, Select):
            options = control.control.options
            choice = (press.choice or "").strip()
            picked = None
            if choice.isdigit() and 1 <= int(choice) <= len(options):
                picked = options[int(choice) - 1]
            else:
                picked = next((o for o in options if o.label.casefold() == choice.casefold()),
                              None)
            if picked is None:
                self.write(_("  Choose an option: `{number} <1-{count}>`.").format(
                    number=control.number, count=len(options)))
                return
            values = (picked.value,)
        action_id = control.control.action_id
        await self.dispatch(
            Action(self.actor, control.place, action_id, values, control.message),
            control.message,
        )

    def _find_control(self, press: Press) -> _Control | None:
        if press.control is not None:
            return self._controls.get(press.control)
        label = (press.label or "").casefold()
        for number in sorted(self._controls, reverse=True):
            if self._controls[number].only_for not in (None, self.actor.user_id):
                continue
            c = self._controls[number].control
            text = c.label if isinstance(c, Button) else c.placeholder
            if text.casefold() == label or text.casefold().startswith(label):
                return self._controls[number]
        return None

    async def _react(self, emoji: str, number: int) -> None:
        message = self._messages.get(number)
        if message is None:
            self.write(_("  There is no message m{number}.").format(number=number))
            return
        ref = MessageRef("console", message.place.workspace, message.place.channel,
                         f"m{number}", link=f"console://{message.place.channel}/m{number}")
        await self.dispatch(Reaction(self.actor, message.place, emoji, ref, message.author,
                                     message.text))

    async def _fill(self, form: Form, actor: Actor, place: Place) -> None:
        """Ask each field in turn. A one-line field takes one line; a many-line field (a
        vote's options) takes lines until an empty one. A line that is not an answer (a
        command, `:as`, `:in`, `:quit`) leaves the form unsent and is then run as typed, so
        piped input after a form is never swallowed by it."""
        self.write(_("  == {title} == (one answer a line; an empty line keeps the "
                   "[default]; :cancel stops)").format(title=form.title))
        values: dict[str, str] = {}
        for field_ in form.inputs:
            answer = await self._ask_field(field_)
            if answer is None or answer.strip() == ":cancel":
                if not self._after_form:  # else _ask said why
                    self.write(_("  (form cancelled; nothing was saved)"))
                return
            values[field_.name] = answer.strip() or field_.default
        # A mistake the form's command finds before it runs: only that field is asked
        # again, the others are kept. At the end of input the form goes as it is, and
        # its refusal gives back what was typed as one line.
        for _round in range(REASK_ROUNDS):
            errors = await self.ctx.router.check_form(
                self.ctx, Submission(actor, place, form.form_id, values))
            wrong = [f for f in form.inputs if f.name in errors]
            if not wrong:
                break
            ended = False
            for field_ in wrong:
                self.write(_("  ✗ {label}: {error}").format(label=field_.label,
                                                            error=errors[field_.name]))
                answer = await self._ask_field(field_)
                if self._after_form or (answer is not None and answer.strip() == ":cancel"):
                    if not self._after_form:  # else _ask said why
                        self.write(_("  (form cancelled; nothing was saved)"))
                    return
                if answer is None:
                    ended = True
                    break
                values[field_.name] = answer.strip() or field_.default
            if ended:
                break
        await self.dispatch(Submission(actor, place, form.form_id, values))

    async def _ask_field(self, field_: Input) -> str | None:
        default = f" [{field_.default}]" if field_.default else ""
        if field_.multiline:
            return await self._ask_lines(_("  {label}, an empty line ends them"
                                           "{default}: ").format(
                label=field_.label, default=default))
        return await self._ask(f"  {field_.label}{default}: ")

    async def _ask_lines(self, prompt: str) -> str | None:
        """Lines until an empty one (the first empty line keeps the default)."""
        lines: list[str] = []
        while True:
            answer = await self._ask(prompt if not lines else "  ... ")
            if answer is None or answer.strip() == ":cancel":
                return answer
            if not answer.strip() or (not lines and "\n" in answer):
                return "\n".join([*lines, answer.strip()])  # a script's queued lines, whole
            lines.append(answer.strip())

    async def _ask(self, prompt: str) -> str | None:
        if self._queued:
            answer: str | None = self._queued.pop(0)
        elif self._reader is not None:
            if not self.echo:
                self.out.write(prompt)
                self.out.flush()
            answer = await self._reader()
        else:
            answer = None
        if answer is not None and not _answers(answer):
            # Not an answer but the next thing to do: the form stops; the line runs after.
            self._after_form.append(answer)
            self.write(_("  (form cancelled; nothing was saved. `{strip}` is not an "
                       "answer, so it runs next)").format(strip=answer.strip()))
            return None
        if self.echo and answer is not None:
            self.write(prompt + answer)
        return answer

    def queue(self, *lines: str) -> None:
        """Answers for the next form's prompts (for scripts and tests)."""
        self._queued.extend(lines)

    # --- the loop ----------------------------------------------------------------------------

    async def run(self, stdin: TextIO | None = None) -> None:
        """Read lines until the end of input or `:quit`."""
        stream = stdin or sys.stdin
        interactive = stream.isatty()
        self.echo = not interactive
        self._reader = line_reader(stream)
        if interactive:
            self.write(_("actionlab console. Type /lab help, or :help for console keys."))
        while True:
            if interactive:
                self.out.write(f"{self.actor.display_name}> ")
                self.out.flush()
            line = await self._reader()
            if line is None:
                break
            if self.echo and line.strip():
                self.write(f"{self.actor.display_name}> {line}")
            if not await self.send(line):
                break


def _answers(line: str) -> bool:
    """Whether a line read while a form asks is an answer to it (anything but a command or a
    console key that moves on: `/lab ...`, `:as`, `:in`, `:react`, `:quit`)."""
    return not isinstance(read_line(line), Slash | SwitchUser | SwitchChannel | React | Meta)


def line_reader(stream: TextIO) -> LineReader:
    """Lines from `stream` without blocking the event loop; None at the end of input.

    A terminal or a pipe can block, so one daemon thread reads and hands each line to the
    event loop, where the core and the scheduler run. Being a daemon, a read still waiting
    for the keyboard never holds up the process when it stops (Ctrl-C, SIGTERM).
    """
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    wanted = threading.Semaphore(0)  # read one line ahead only when asked

    def pump() -> None:
        while True:
            wanted.acquire()
            line = stream.readline()
            loop.call_soon_threadsafe(lines.put_nowait, None if line == "" else line)
            if line == "":
                return

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    finished = False

    async def read() -> str | None:
        nonlocal finished
        if finished:
            return None
        wanted.release()
        line = await lines.get()
        if line is None:
            finished = True
            return None
        return line.rstrip("\r\n")

    return read
