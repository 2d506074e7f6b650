"""`/lab help [topic or command]`, built from what the router has registered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from bot.arguments import Args, Rest
from bot.errors import NotFound
from bot.i18n import N_, _
from bot.messages import Block, Card, Context, Header, Reply, Text
from bot.router import Call, CommandSpec, Router

router = Router()

TOPIC_TITLES = {
    "lab": N_("The lab"),
    "poll": N_("Availability polls"),
    "meeting": N_("Meetings"),
    "vote": N_("Ranked-choice votes"),
    "minutes": N_("Minutes"),
    "remind": N_("Reminders"),
    "applications": N_("Applications: the call, review, invitations"),
    "privacy": N_("Your data"),
}
_ACCESS_NOTE = {
    "facilitator": N_("facilitators only"),
    "secretary": N_("secretary and facilitators"),
}


class HelpArgs(Args):
    topic: Annotated[str | None, Rest(N_("topic or command"))] = None


def _topics(commands: Mapping[str, CommandSpec]) -> dict[str, list[CommandSpec]]:
    out: dict[str, list[CommandSpec]] = {}
    for spec in commands.values():
        out.setdefault(spec.topic, []).append(spec)
    order = list(TOPIC_TITLES)
    return dict(sorted(out.items(), key=lambda kv: (
        order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def _line(spec: CommandSpec, *, summary: bool) -> str:
    note = _(n) if (n := _ACCESS_NOTE.get(spec.access)) else None
    text = f"`{spec.usage}`"
    if summary:
        text += f" — {_(spec.summary)}"
    if note:
        text += f" _({note})_"
    return text


@router.command("help", args=HelpArgs, access="anyone", topic="lab", open_when_archived=True,
                summary=N_("This list; `/lab help <topic>` or `/lab help <command>` for more."))
async def help_(call: Call[HelpArgs]) -> Reply:
    commands = call.ctx.router.commands
    topics = _topics(commands)
    wanted = (call.args.topic or "").strip().lower().removeprefix("/lab ").strip()
    blocks: list[Block]
    if not wanted:
        blocks = [Header(_("actionlab: what you can type"))]
        for topic, specs in topics.items():
            lines = "\n".join(_line(s, summary=False) for s in specs)
            blocks.append(Text(f"*{_(TOPIC_TITLES.get(topic, topic.title()))}*\n{lines}"))
        blocks.append(Context(_("`/lab help <topic>` explains a topic: ")
                              + ", ".join(topics) + "."))
        return Reply(card=Card(tuple(blocks), fallback=_("actionlab commands")))
    if wanted not in topics:  # `/lab help tz` explains `me tz`; a topic's name wins
        wanted = call.ctx.router.aliases.get(wanted, wanted)
    if wanted in commands:
        spec = commands[wanted]
        text = _("{summary}\n\nUsage: `{usage}`").format(
            summary=_(spec.summary), usage=spec.usage)
        if spec.examples:
            text += _("\nExamples:\n") + "\n".join(f"`{e}`" for e in spec.examples)
        blocks = [Header(f"/lab {spec.name}"), Text(text)]
        note = _(n) if (n := _ACCESS_NOTE.get(spec.access)) else None
        if note:
            blocks.append(Context(_("For {note}.").format(note=note)))
        return Reply(card=Card(tuple(blocks), fallback=f"/lab {spec.name}"))
    if wanted in topics:
        specs = topics[wanted]
        lines = "\n".join(_line(s, summary=True) for s in specs)
        return Reply(card=Card(
            (Header(_(TOPIC_TITLES.get(wanted, wanted.title()))), Text(lines)),
            fallback=f"help: {wanted}",
        ))
    raise NotFound(
        _("There is no help topic or command `{wanted}`. Topics: {names}. "
        "Type `/lab help` for every command.").format(wanted=wanted, names=', '.join(topics))
    )


