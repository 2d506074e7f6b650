"""What a console line means: a command, a control press, a chat message or a meta command."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import N_, _


@dataclass(frozen=True, slots=True)
class Slash:
    text: str  # after "/lab"


@dataclass(frozen=True, slots=True)
class Press:
    control: int | None  # by number
    label: str | None  # or by label (":press Accept")
    choice: str | None = None  # for a select: the option number or label


@dataclass(frozen=True, slots=True)
class SwitchUser:
    name: str


@dataclass(frozen=True, slots=True)
class SwitchChannel:
    channel: str


@dataclass(frozen=True, slots=True)
class React:
    emoji: str
    message: int


@dataclass(frozen=True, slots=True)
class Chat:
    text: str


@dataclass(frozen=True, slots=True)
class Meta:
    word: str  # help, quit
    rest: str = ""


@dataclass(frozen=True, slots=True)
class Blank:
    pass


@dataclass(frozen=True, slots=True)
class Invalid:
    message: str


ConsoleInput = Slash | Press | SwitchUser | SwitchChannel | React | Chat | Meta | Blank | Invalid

_PRESS = re.compile(r"^(\d+)(?:\s+(.+))?$")
_REACT = re.compile(r"^:react\s+:?([a-z0-9_+\-]+):?\s+m?(\d+)$", re.IGNORECASE)

CONSOLE_HELP = N_("""\
Console keys:
  /lab ...             a command (try /lab help)
  3  or  3 2           press control 3, or choose option 2 of select 3
  :press <label>       press the newest control with that label (":press Accept")
  :as <name>           act as someone else (they are created on first use)
  :in <#channel>       move to another channel
  :react memo <m>      react with :memo: to message m (adds it to open minutes)
  anything else        a chat message in the channel
  :quit                leave (end of input does the same)""")


def read_line(line: str) -> ConsoleInput:
    text = line.strip()
    if not text or text.startswith("#!"):
        return Blank()
    if text == "/lab" or text.startswith("/lab "):
        return Slash(text[4:].strip())
    if text.startswith("/"):
        return Invalid(_("Only /lab commands exist here; try `/lab help`. (You typed "
                         "`{text}`.)").format(
            text=text))
    m = _PRESS.match(text)
    if m:
        return Press(int(m.group(1)), None, m.group(2))
    if text.startswith(":"):
        word, _x, rest = text[1:].partition(" ")
        word, rest = word.lower(), rest.strip()
        if word == "as":
            return SwitchUser(rest) if rest else Invalid(_("Say who: `:as Amara Okafor`."))
        if word == "in":
            return SwitchChannel(rest.lstrip("#")) if rest else Invalid(_("Say where: `:in #lab`."))
        if word == "press":
            if not rest:
                return Invalid(_("Say which: `:press Accept` or `:press 3`."))
            if rest.isdigit():
                return Press(int(rest), None)
            label, _x, choice = rest.partition(" -> ")
            return Press(None, label.strip(), choice.strip() or None)
        if word == "react":
            r = _REACT.match(text)
            if not r:
                return Invalid(_("Use `:react memo <message number>`, e.g. `:react memo 12`."))
            return React(r.group(1).lower(), int(r.group(2)))
        if word in ("help", "quit", "exit"):
            return Meta("quit" if word == "exit" else word, rest)
        return Invalid(_("`:{word}` is not a console key. Type `:help` for the list.").format(
            word=word))
    return Chat(text)
