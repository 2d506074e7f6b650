"""Authorization by place: every registered control, pressed by someone or somewhere its
lab does not act through, is refused with exactly the words of an unknown id and writes
nothing; ids that do not parse are stale controls, never an internal error."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.errors import StaleControl
from bot.messages import Action, Actor, Command, Place, Reply
from bot.router import MAX_REF, Router
from storage.models import Base
from tests.conftest import Console, open_vote

STALE = StaleControl().message
EVE = Actor("slack", "T2", "UEVE", "Eve Outsider")  # another platform's, another workspace
EVE_DM = Place("slack", "T2", "DEVE", direct=True)
TOM = Actor("console", "local", "tom-fletcher", "Tom Fletcher")
AMARA = Actor("console", "local", "amara-okafor", "Amara Okafor")
GEMMA = Actor("console", "local", "gemma-rhodes", "Gemma Rhodes")
LAB_1 = Place("console", "local", "lab")
LAB_2 = Place("console", "local", "other")


async def snapshot(app: App) -> dict[str, list[str]]:
    """Every row of every table, to prove that a refusal wrote nothing at all."""
    async with app.ctx.uow() as uow:
        return {table.name: sorted(repr(tuple(row)) for row in
                                   (await uow.session.execute(select(table))).all())
                for table in Base.metadata.sorted_tables}


@pytest.fixture
async def two_labs(lab: Console, app: App) -> dict[str, int]:
    """Action Lab 1 (channel `lab`) with one of everything a control can name, and Tom's
    Action Lab 2 in channel `other`. Returns the id each scope's control would carry."""
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    await lab("Gemma Rhodes", '/lab poll new "Meeting 1" slots 2027-01-11T09:00,'
                              '2027-01-12T14:00')
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Which solution?" options "A" "B" "C"')
    await lab("Priya Raman", '/lab minutes start "Kick-off call"')
    await lab("Priya Raman", "/lab action Amara Okafor Share the survey")
    await lab("Amara Okafor", "/lab remind me in 2 hours Send the agenda")
    await lab("Gemma Rhodes", "/lab call open closes 2027-01-20 hear 2027-02-01")
    await lab("Nadia Applicant", "/lab apply", *[p for a in "abcde" for p in (a, "")])
    lab.adapter.channel = "other"
    await lab("Tom Fletcher", '/lab setup "Action Lab 2"')
    lab.adapter.channel = "lab"
    async with app.ctx.uow() as uow:
        labs = await uow.labs.by_name("Action Lab 1")
        lab_id = labs[0].id
        poll = (await uow.polls.of_lab(lab_id))[0]
        vote = (await uow.votes.for_lab(lab_id))[0]
        minutes = (await uow.minutes.of_lab(lab_id))[0]
        from storage.models import ActionItem, Reminder
        item = (await uow.session.scalars(select(ActionItem))).first()
        reminder = (await uow.session.scalars(
            select(Reminder).where(Reminder.lab_id == lab_id))).first()
        assert item is not None and reminder is not None
        lab_call = await uow.applications.latest_call(lab_id)
        assert lab_call is not None
        application = (await uow.applications.of_call(lab_call.id))[0]
        return {"lab": lab_id, "poll": poll.id, "vote": vote.id, "minutes": minutes.id,
                "item": item.id, "reminder": reminder.id, "call": lab_call.id,
                "application": application.id}


# Controls of a call that anyone the lab's workspace lets reach the bot may use from their own
# direct message (applying needs no membership): from Tom's DM in the lab's workspace they
# act (the form opens), and write nothing.
FOR_APPLICANTS = {"app.apply"}


def routes(router: Router) -> list[tuple[str, str]]:
    return sorted((spec.route, spec.scope) for spec in router.actions.values())


async def press(app: App, actor: Actor, place: Place, action_id: str) -> Reply:
    return await app.ctx.router.dispatch(app.ctx, Action(actor, place, action_id,
                                                         values=("1",)))


async def test_every_route_declares_its_scope_and_every_lab_control_is_bound_to_its_place(
    two_labs: dict[str, int], app: App,
) -> None:
    table = routes(app.ctx.router)
    assert len(table) >= 25  # every feature's controls are here, not a sample
    before = await snapshot(app)
    checked = 0
    for route, scope in table:
        if scope == "none":
            continue  # a control of no lab (the zone picker): nothing of a lab to reach
        ref = two_labs[scope]
        unknown = await press(app, AMARA, LAB_1, f"al1:{route}:{MAX_REF}:1")
        assert unknown.private and unknown.text == STALE, route
        for who, where in (
            (EVE, EVE_DM),  # another workspace's user, from their own direct message
            (EVE, Place("slack", "T2", "CEVE")),  # ... or a channel of theirs
            (TOM, LAB_2),  # another lab's facilitator, from that lab's channel
            (AMARA, LAB_2),  # a member of the lab, but pressing in another lab's channel
            (AMARA, Place("console", "elsewhere", "dm-amara", direct=True)),  # not her DM
            (TOM, Place("console", "local", "dm-tom", direct=True)),  # a non-member's DM
        ):
            reply = await press(app, who, where, f"al1:{route}:{ref}:1")
            if route in FOR_APPLICANTS and where.channel == "dm-tom":
                assert reply.text != unknown.text, route
                continue
            assert reply.private and reply.text == unknown.text, (route, who, where)
            assert "Action Lab" not in (reply.text or "")
            checked += 1
    assert checked >= 6 * 20
    assert await snapshot(app) == before  # no membership, ballot, answer, audit, person


async def test_a_member_still_acts_from_the_labs_channel_and_her_own_direct_message(
    two_labs: dict[str, int], app: App,
) -> None:
    lab_id = two_labs["lab"]
    for where in (LAB_1, Place("console", "local", "dm-amara-okafor", direct=True)):
        reply = await press(app, AMARA, where, f"al1:lab.members:{lab_id}:1")
        assert reply.card is not None and reply.text is None, where
    # Accept is for a lab's channel only: from a direct message it is a stale control.
    stranger = Actor("console", "local", "nadia", "Nadia")
    reply = await press(app, stranger, Place("console", "local", "dm-nadia", direct=True),
                        f"al1:lab.accept:{lab_id}")
    assert reply.text == STALE
    reply = await press(app, stranger, LAB_1, f"al1:lab.accept:{lab_id}")
    assert reply.card is not None and "Welcome to Action Lab 1" in str(reply.card)


@pytest.mark.parametrize("action_id", [
    "al1:minutes.done:abc", "al1:reminder.cancel:1.5", "al1:vote.menu:1234567890123456789012345",
    "al1:poll.open:-1", "al1:lab.members:0", "al1:lab.members:+1", "al1:lab.members:١",
    f"al1:lab.members:{MAX_REF + 1}", "al1:lab.members:1:abc", "al1:meeting.list:1:1.5",
    "al1:lab.audit:1:99999999999999999999999", "al1:lab.accept:", "al1:vote.save",
])
async def test_an_id_that_does_not_parse_is_a_stale_control_not_an_error(
    two_labs: dict[str, int], app: App, caplog: pytest.LogCaptureFixture, action_id: str,
) -> None:
    before = await snapshot(app)
    with caplog.at_level(logging.WARNING):
        reply = await press(app, GEMMA, LAB_1, action_id)  # the facilitator, in the lab
    assert reply.private and reply.text == STALE
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await snapshot(app) == before


def test_a_control_must_say_what_its_id_names() -> None:
    router = Router()

    async def handler(call: Any) -> Reply:
        raise AssertionError

    with pytest.raises(TypeError):
        router.action("x.y")(handler)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="scope"):
        router.action("x.y", scope="nonsense")(handler)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be 'anyone'"):
        router.action("x.y", scope="poll", access="anyone")(handler)
    with pytest.raises(ValueError, match="belongs to no lab"):
        router.action("x.y", scope="none", access="member")(handler)


async def test_a_member_links_her_discord_account_and_reaches_her_lab_from_its_dms(
    two_labs: dict[str, int], app: App, lab: Console,
) -> None:
    """Amara (console here, as if Slack) links her Discord account with a personal code;
    from then on her Discord direct messages reach her lab, a guild channel that is not the
    lab's does not, and her code works once."""
    out = await lab("Amara Okafor", "/lab link me")
    code = out.split("/lab link me ")[1][:8]
    discord = Actor("discord", "discord", "100000000000000002", "amara")
    dm = Place("discord", "discord", "100000000000000003", direct=True)
    members = f"al1:lab.members:{two_labs['lab']}:1"
    assert (await press(app, discord, dm, members)).text == STALE  # not yet her
    reply = await app.ctx.router.dispatch(app.ctx, Command(discord, dm,
                                                           text=f"link me {code}"))
    assert reply.text == "This account now acts as Amara Okafor, everywhere."
    reply = await press(app, discord, dm, members)
    assert reply.card is not None and "Members of Action Lab 1" in str(reply.card)
    reply = await press(app, discord, Place("discord", "7001", "7002"), members)
    assert reply.text == STALE  # a guild channel the lab is not bound to
    reply = await press(app, discord, Place("discord", "@me", "100000000000000003",
                                            direct=True), members)
    assert reply.text == STALE  # a direct message outside her identity's own space
    other = Actor("discord", "discord", "100000000000000009", "eve")
    reply = await app.ctx.router.dispatch(app.ctx, Command(other, dm, text=f"link me {code}"))
    assert reply.text is not None and "has been used already" in reply.text


@pytest.mark.parametrize(("route", "arg", "value"), [
    ("poll.page", "99999999999999999999999", "1"), ("poll.results_page", "1.5", "1"),
    ("poll.mark", "1:yes", "99999999999999999999999"), ("poll.all", "abc:maybe", "1"),
    ("reminder.page", "m99999999999999999999999", "1"), ("reminder.cancel", "l1.5", "1"),
    ("vote.pick", "-", "99999999999999999999999"), ("vote.save", "1-99999999999999999999", "1"),
    ("vote.draft", "x-y", "1"), ("minutes.done", "abc", "1"),
])
async def test_a_bad_extra_in_a_valid_control_is_never_an_internal_error(
    two_labs: dict[str, int], app: App, caplog: pytest.LogCaptureFixture, route: str,
    arg: str, value: str,
) -> None:
    scope = app.ctx.router.actions[route].scope
    with caplog.at_level(logging.WARNING):
        reply = await app.ctx.router.dispatch(app.ctx, Action(
            GEMMA, LAB_1, f"al1:{route}:{two_labs[scope]}:{arg}", values=(value,)))
    assert "Something went wrong" not in (reply.text or "")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
