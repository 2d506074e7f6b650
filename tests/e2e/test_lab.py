"""Every foundation command through the console, as people would type it."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.domain.lab import Role
from bot.features.lab import code_hash
from bot.messages import Reply
from bot.router import Call
from storage.models import AuditEntry, ChannelLink, Membership
from tests.conftest import T0, Console

T_LONG = T0


async def audit_count(app: App) -> int:
    async with app.ctx.uow() as uow:
        return int((await uow.session.scalar(select(func.count(AuditEntry.id)))) or 0)


async def roles(app: App) -> dict[str, Role]:
    async with app.ctx.uow() as uow:
        lab = (await uow.labs.all())[0]
        return {m.person.display_name: m.role for m in await uow.members.active(lab.id)}


# --- setup ---------------------------------------------------------------------------------

async def test_setup_makes_the_caller_facilitator_and_says_how_to_join(
    console: Console, app: App
) -> None:
    out = await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    assert "#lab · actionlab" in out  # public, not private
    assert "== Action Lab 1 is set up ==" in out
    assert "/lab join" in out
    assert "Meeting window: 09:00-18:00 Europe/London, mon-fri" in out
    assert await roles(app) == {"Gemma Rhodes": Role.FACILITATOR}


async def test_a_second_setup_in_the_same_channel_is_refused(lab: Console, app: App) -> None:
    before = await audit_count(app)
    out = await lab("Amara Okafor", "/lab setup Another")
    assert "only Amara Okafor sees this" in out
    assert "already has a lab: Action Lab 1" in out
    assert await audit_count(app) == before


async def test_a_lab_in_another_channel_is_separate(lab: Console) -> None:
    lab.adapter.channel = "other"
    out = await lab("Tom Fletcher", "/lab members")
    assert "This channel has no lab yet" in out and "/lab setup <name>" in out
    out = await lab("Tom Fletcher", '/lab setup "Action Lab 2"')
    assert "Action Lab 2 is set up" in out


# --- join / accept ----------------------------------------------------------------------------

async def test_join_shows_the_commitment_and_only_acceptance_counts(
    console: Console, app: App
) -> None:
    await console("Gemma Rhodes", "/lab setup Lab")  # [1]: the zone question she is asked
    out = await console("Amara Okafor", "/lab join")
    assert "only Amara Okafor sees this" in out
    assert "confidential" in out
    assert "[2] I accept and join" in out
    assert "Amara Okafor" not in await roles(app)  # not yet
    out = await console.press("Amara Okafor", "I accept and join")
    assert "Welcome to Lab" in out and "replaces m3" in out
    assert "Amara Okafor* joined Lab (1 of 6 members)" in out
    assert (await roles(app))["Amara Okafor"] is Role.MEMBER
    async with app.ctx.uow() as uow:
        joined = await uow.audit.for_lab(1, action="member.joined")
    assert len(joined) == 1 and len(joined[0].detail["commitment"]) == 12


async def test_joining_twice_is_refused(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab join")
    assert "already a member of Action Lab 1" in out


async def test_the_member_limit_holds_with_a_clear_message(
    console: Console, app: App
) -> None:
    await console("Gemma Rhodes", "/lab setup Lab")
    await console("Gemma Rhodes", "/lab settings limit 2")
    for name in ("Ann", "Ben"):
        await console(name, "/lab join")
        await console.press(name, "I accept and join")
    out = await console("Cat", "/lab join")
    assert "This lab is full: it has its 2 members" in out
    # A join card opened before the lab filled up cannot overfill it either.
    await console("Gemma Rhodes", "/lab settings limit 3")
    await console("Dan", "/lab join")
    await console("Eve", "/lab join")
    await console.press("Dan", "I accept and join")
    # Controls so far: Gemma's zone question (1), and for Ann and Ben each their join card
    # and, once they joined, their zone question (2-5); then Dan's card (6) and Eve's (7).
    out = await console("Dan", ":press 7")
    assert "Control 7 is on a message only Eve can see" in out
    out = await console.press("Eve", "I accept")  # her card, opened while there was room
    assert "This lab is full" in out
    assert set(await roles(app)) == {"Gemma Rhodes", "Ann", "Ben", "Dan"}


async def test_leaving_and_coming_back(lab: Console, app: App) -> None:
    out = await lab("Zoë Núñez", "/lab leave")
    assert "Zoë Núñez* left Action Lab 1" in out
    assert "Zoë Núñez" not in await roles(app)
    out = await lab("Zoë Núñez", "/lab members")
    assert "You are not a member of the lab here yet. Type `/lab join`" in out
    await lab("Zoë Núñez", "/lab join")
    await lab.press("Zoë Núñez", "I accept and join")
    assert (await roles(app))["Zoë Núñez"] is Role.MEMBER


async def test_the_last_facilitator_cannot_leave(lab: Console, app: App) -> None:
    out = await lab("Gemma Rhodes", "/lab leave")
    assert "last facilitator" in out and "/lab role <member> facilitator" in out
    assert "Gemma Rhodes" in await roles(app)


# --- members ------------------------------------------------------------------------------

async def test_members_shows_roles_zones_and_local_time(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab members")
    assert "only Amara Okafor sees this" in out
    assert "Gemma Rhodes* — facilitator · Europe/London · now Mon 04 Jan 2027, 10:00 GMT" in out
    assert "Amara Okafor* — member · Africa/Lagos · now Mon 04 Jan 2027, 11:00 WAT" in out
    assert "Zoë Núñez* — member · America/Sao_Paulo · now Mon 04 Jan 2027, 07:00 UTC-3" in out
    assert "Priya Raman* — member · Asia/Kolkata · now Mon 04 Jan 2027, 15:30 IST" in out
    assert "4 people in the lab: 3 of 6 members (the lab's limit) and 1 facilitator, who " \
        "votes too." in out  # the people a vote's turnout counts


async def test_local_times_follow_daylight_saving(lab: Console, clock: SettableClock) -> None:
    clock.advance(timedelta(days=84))  # Monday 29 March 2027: London is on BST
    out = await lab("Amara Okafor", "/lab members")
    assert "Europe/London · now Mon 29 Mar 2027, 11:00 BST" in out
    assert "Africa/Lagos · now Mon 29 Mar 2027, 11:00 WAT" in out


async def test_a_long_member_list_pages(console: Console) -> None:
    await console("Gemma Rhodes", "/lab setup Big")
    await console("Gemma Rhodes", "/lab settings limit 30")
    for i in range(25):
        await console(f"Member {i:02d}", "/lab join")
        await console.press(f"Member {i:02d}", "I accept and join")
    out = await console("Gemma Rhodes", "/lab members")
    assert "Page 1 of 2 · 26 members" in out and "Member 18" in out and "Member 19" not in out
    out = await console.press("Gemma Rhodes", "Next")
    assert "Member 24" in out and "Page 2 of 2" in out


# --- roles ----------------------------------------------------------------------------------

async def test_a_facilitator_gives_roles(lab: Console, app: App) -> None:
    out = await lab("Gemma Rhodes", "/lab role Priya Raman secretary")
    assert "#lab · actionlab" in out
    assert "Gemma Rhodes made *Priya Raman* secretary of Action Lab 1." in out
    assert (await roles(app))["Priya Raman"] is Role.SECRETARY
    async with app.ctx.uow() as uow:
        entry = (await uow.audit.for_lab(1, action="member.role"))[-1]
    assert entry.detail == {"member": 4, "before": "member", "after": "secretary"}


async def test_only_facilitators_give_roles(lab: Console, app: App) -> None:
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    before = await audit_count(app)
    out = await lab("Priya Raman", "/lab role Amara facilitator")
    assert "only Priya Raman sees this" in out
    assert "Only facilitators can use `/lab role`. Ask a facilitator (Gemma Rhodes)" in out
    assert (await roles(app))["Amara Okafor"] is Role.MEMBER
    assert await audit_count(app) == before


async def test_the_last_facilitator_cannot_demote_themself(lab: Console, app: App) -> None:
    out = await lab("Gemma Rhodes", "/lab role Gemma member")
    assert "You are the lab's last facilitator, so you cannot step down" in out
    assert (await roles(app))["Gemma Rhodes"] is Role.FACILITATOR
    await lab("Gemma Rhodes", "/lab role Amara facilitator")
    out = await lab("Gemma Rhodes", "/lab role Gemma member")
    assert "made *Gemma Rhodes* member" in out


async def test_roles_name_members_by_mention_name_or_start(lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab role <@amara-okafor> secretary")
    assert "made *Amara Okafor* secretary" in out
    out = await lab("Gemma Rhodes", "/lab role zoë secretary")
    assert "made *Zoë Núñez* secretary" in out
    out = await lab("Gemma Rhodes", "/lab role Bob secretary")
    assert "No member of Action Lab 1 is called `Bob`" in out
    assert "Members: Gemma Rhodes, Amara Okafor, Zoë Núñez, Priya Raman" in out


async def test_a_bad_role_prints_the_usage_line(lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab role Priya boss")
    assert "Usage: `/lab role <member> <facilitator|secretary|member>`" in out


# --- time zones --------------------------------------------------------------------------------

async def test_tz_sets_and_shows_the_zone(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab tz")
    assert "Your time zone is Africa/Lagos (you chose it)" in out
    out = await lab("Amara Okafor", "/lab tz asia/kolkata")
    assert "Your time zone is now Asia/Kolkata (IST)" in out


async def test_tz_typos_get_suggestions_and_change_nothing(lab: Console, app: App) -> None:
    before = await audit_count(app)
    out = await lab("Zoë Núñez", "/lab tz Europe/Berln")
    assert "only Zoë Núñez sees this" in out
    assert "`Europe/Berln` is not a time zone I know. Did you mean `Europe/Berlin`" in out
    out = await lab("Zoë Núñez", "/lab tz")
    assert "America/Sao_Paulo" in out
    assert await audit_count(app) == before


async def test_tz_works_before_joining_any_lab(console: Console) -> None:
    out = await console("Stranger", "/lab tz Asia/Manila")
    assert "Your time zone is now Asia/Manila" in out


# --- settings ---------------------------------------------------------------------------------

async def test_settings_change_and_validate(lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab settings window 10:00-17:00 days mon,wed tz Africa/Lagos")
    assert "Meeting window: 10:00-17:00 (Africa/Lagos)" in out
    assert "Meeting days: mon,wed" in out
    out = await lab("Gemma Rhodes", "/lab settings window 17:00-10:00")
    assert "ends before it starts" in out
    out = await lab("Gemma Rhodes", "/lab settings limit 2")
    assert "already has 3 members; the limit cannot go below that" in out
    out = await lab("Amara Okafor", "/lab settings limit 9")
    assert "Only facilitators can use `/lab settings`" in out


# --- help and mistakes ----------------------------------------------------------------------------

async def test_help_lists_every_command_and_explains_one(console: Console) -> None:
    out = await console("Anyone", "/lab help")
    for usage in ("/lab setup <name>", "/lab join", "/lab leave", "/lab members",
                  "/lab role <member> <facilitator|secretary|member>", "/lab me tz [<zone>]",
                  "/lab me lang [<language>]",
                  "/lab help [<topic or command>]"):
        assert usage in out
    out = await console("Anyone", "/lab help role")
    assert "Give a member a role" in out and "/lab role Priya secretary" in out
    assert "For facilitators only." in out
    out = await console("Anyone", "/lab")
    assert "actionlab: what you can type" in out
    out = await console("Anyone", "/lab help tz")  # the short word still explains it
    assert "See or set your time zone" in out
    out = await console("Anyone", "/lab help nonsense")
    assert "There is no help topic or command `nonsense`" in out


async def test_an_unknown_subcommand_suggests_the_closest(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab memebrs")
    assert "`/lab memebrs` is not a command. Did you mean `/lab members`?" in out
    assert "only Amara Okafor sees this" in out
    # Close to a group of commands: the group's commands, not the group as if it were one.
    out = await lab("Amara Okafor", "/lab votes")
    assert "`/lab votes` is not a command. The vote commands: `/lab vote ballots`," in out
    assert "`/lab vote list`" in out and "Did you mean" not in out


async def test_commands_that_need_membership_say_how_to_join(lab: Console) -> None:
    out = await lab("Stranger", "/lab members")
    assert "You are not a member of the lab here yet. Type `/lab join`" in out
    out = await lab("Stranger", "/lab role Amara secretary")
    assert "/lab join" in out


async def test_commands_without_a_lab_say_how_to_set_one_up(console: Console) -> None:
    for line in ("/lab join", "/lab members", "/lab leave", "/lab settings"):
        out = await console("Someone", line)
        assert "This channel has no lab yet. A facilitator can start one with `/lab setup" in out


async def test_an_unexpected_error_shows_only_a_reference(
    lab: Console, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    @app.ctx.router.command("explode", summary="fails after writing", access="member")
    async def explode(call: Call[Any]) -> Reply:
        await call.audit("about.to.fail")
        raise RuntimeError("database password is hunter2")

    before = await audit_count(app)
    with caplog.at_level(logging.ERROR):
        out = await lab("Amara Okafor", "/lab explode")
    assert "Something went wrong (ref " in out
    assert "hunter2" not in out and "RuntimeError" not in out
    ref = out.split("(ref ")[1][:4]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)
    assert await audit_count(app) == before


async def test_stale_buttons_are_explained(lab: Console) -> None:
    from bot.messages import Action

    reply = await lab.adapter.ctx.router.dispatch(
        lab.adapter.ctx, Action(lab.adapter.actor, lab.adapter.place, "al0:old:1")
    )
    assert reply.private and "older version of this message" in (reply.text or "")


async def test_nothing_changes_when_a_handler_fails_halfway(lab: Console, app: App) -> None:
    """A UserError raised after writes rolls the writes back."""
    async with app.ctx.uow() as uow:
        count = await uow.session.scalar(select(func.count(Membership.id)))
    out = await lab("Gemma Rhodes", "/lab settings limit 2 window 9-5")
    assert "not a time of day" in out or "HH:MM" in out
    async with app.ctx.uow() as uow:
        lab_row = (await uow.labs.all())[0]
        assert lab_row.member_limit == 6
        assert await uow.session.scalar(select(func.count(Membership.id))) == count


async def test_the_zone_picker_sets_a_zone(lab: Console, app: App) -> None:
    from bot.features.lab import tz_picker
    from bot.messages import Recipient

    await lab.adapter.messenger.notify(
        Recipient("console", "local", "amara-okafor"), tz_picker("Which zone are you in?")
    )
    out = await lab.press("Amara Okafor", "Your time zone", "Asia/Manila")
    assert "Your time zone is now Asia/Manila" in out
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("console", "local", "amara-okafor")
        assert person is not None and person.timezone == "Asia/Manila"


# --- channels and the audit log ---------------------------------------------------------------

def code_in(out: str, command: str = "/lab link") -> str:
    return out.split(f"{command} ")[1][:8]


async def test_a_lab_spans_a_second_channel_through_a_one_time_code(
    lab: Console, app: App, clock: SettableClock
) -> None:
    out = await lab("Gemma Rhodes", "/lab link")
    assert "only Gemma Rhodes sees this" in out
    code = code_in(out)
    lab.adapter.channel = "discord-mirror"
    out = await lab("Gemma Rhodes", f"/lab link {code.lower()}")
    assert "now part of *Action Lab 1*" in out
    assert "#lab · actionlab" in out  # mirrored to the lab's first channel too
    out = await lab("Amara Okafor", "/lab members")  # the same lab, seen from here
    assert "Amara Okafor* — member" in out
    out = await lab("Gemma Rhodes", f"/lab link {code}")
    assert "already belongs to Action Lab 1" in out
    lab.adapter.channel = "third"
    out = await lab("Gemma Rhodes", f"/lab link {code}")
    assert "has been used already" in out  # single use
    lab.adapter.channel = "lab"
    out = await lab("Gemma Rhodes", "/lab link")
    code = code_in(out)
    clock.advance(timedelta(minutes=31))
    lab.adapter.channel = "third"
    out = await lab("Gemma Rhodes", f"/lab link {code}")
    assert "has expired" in out
    out = await lab("Gemma Rhodes", "/lab link NOPE4242")
    assert "not a link code I gave out" in out and "NOPE4242" not in out
    async with app.ctx.uow() as uow:
        assert len(await uow.labs.channels(1)) == 2
        log = await uow.audit.for_lab(1, action="lab.link.issued")
        assert all(code not in str(entry.detail) for entry in log)
        stored = (await uow.session.scalars(select(ChannelLink))).all()
        assert stored and all(code not in (row.code_hash, str(row.__dict__)) for row in stored)
        assert {row.code_hash for row in stored} >= {code_hash(code)}


async def test_a_member_cannot_use_a_facilitators_channel_code(lab: Console, app: App) -> None:
    out = await lab("Gemma Rhodes", "/lab link")
    code = code_in(out)
    lab.adapter.channel = "public-square"
    before = await audit_count(app)
    out = await lab("Amara Okafor", f"/lab link {code}")
    assert "only Amara Okafor sees this" in out
    assert "Only the facilitator who made that code can use it" in out
    assert "Action Lab 1" not in out
    async with app.ctx.uow() as uow:
        assert len(await uow.labs.channels(1)) == 1  # the public channel stays unbound
    assert await audit_count(app) == before
    out = await lab("Gemma Rhodes", f"/lab link {code}")  # not spent by the refusal
    assert "now part of *Action Lab 1*" in out


async def test_a_channel_code_binds_nothing_once_its_maker_is_no_facilitator(
    lab: Console, app: App
) -> None:
    await lab("Gemma Rhodes", "/lab role Priya facilitator")
    out = await lab("Priya Raman", "/lab link")
    code = code_in(out)
    await lab("Gemma Rhodes", "/lab role Priya member")
    lab.adapter.channel = "elsewhere"
    out = await lab("Priya Raman", f"/lab link {code}")
    assert "Only a facilitator of the lab can bind a channel" in out
    async with app.ctx.uow() as uow:
        assert len(await uow.labs.channels(1)) == 1


async def test_a_member_links_their_own_second_account(lab: Console, app: App) -> None:
    out = await lab("Amara Okafor", "/lab link me")
    assert "only Amara Okafor sees this" in out
    code = code_in(out, "/lab link me")
    lab.adapter.channel = "elsewhere"
    out = await lab("amara (discord)", f"/lab link me {code}")
    assert "This account now acts as Amara Okafor" in out
    lab.adapter.channel = "lab"
    out = await lab("amara (discord)", "/lab members")  # a member, as Amara
    assert "Members of Action Lab 1" in out
    async with app.ctx.uow() as uow:
        amara = await uow.people.by_identity("console", "local", "amara-okafor")
        other = await uow.people.by_identity("console", "local", "amara-discord")
        assert amara is not None and other is not None and amara.id == other.id
        log = await uow.audit.for_lab(1, action="identity.linked")
        assert all(code not in str(entry.detail) for entry in log)
    out = await lab("Tom Fletcher", f"/lab link me {code}")  # single use
    assert "has been used already" in out


async def test_nobody_can_merge_into_someone_else(lab: Console, app: App,
                                                  clock: SettableClock) -> None:
    # A channel code makes nobody its maker: it only binds, and only for its maker.
    out = await lab("Gemma Rhodes", "/lab link")
    channel_code = code_in(out)
    out = await lab("Tom Fletcher", f"/lab link me {channel_code}")
    assert "binds a channel to a lab, not an account" in out
    # A personal code used on an account that is someone in a lab already is refused...
    out = await lab("Gemma Rhodes", "/lab link me")
    code = code_in(out, "/lab link me")
    out = await lab("Amara Okafor", f"/lab link me {code}")
    assert "member of a lab as a person of its own" in out
    # ... and by its maker, it links nothing; expired, it is refused as such.
    out = await lab("Gemma Rhodes", f"/lab link me {code}")
    assert "already acts as the person who made that code" in out
    clock.advance(timedelta(minutes=31))
    out = await lab("stranger", f"/lab link me {code}")
    assert "has expired" in out
    out = await lab("stranger", f"/lab link {code}")
    assert "That is a personal code" in out or "already belongs" in out
    async with app.ctx.uow() as uow:
        amara = await uow.people.by_identity("console", "local", "amara-okafor")
        gemma = await uow.people.by_identity("console", "local", "gemma-rhodes")
        assert amara is not None and gemma is not None and amara.id != gemma.id
        # refused, the first contacts of Tom and the stranger left no person behind
        assert await uow.people.by_identity("console", "local", "tom-fletcher") is None
        assert await uow.people.by_identity("console", "local", "stranger") is None


async def test_only_facilitators_issue_link_codes(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab link")
    assert "Only facilitators can bind channels to the lab" in out


async def test_the_audit_log_pages_newest_first_in_the_readers_zone(lab: Console) -> None:
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    out = await lab("Gemma Rhodes", "/lab audit")
    assert "Audit log of Action Lab 1" in out
    first = out.index("made Priya Raman secretary")
    assert first < out.index("set up the lab “Action Lab 1”")
    assert "Mon 04 Jan 2027, 10:00 GMT · Gemma Rhodes made Priya Raman secretary (was " \
        "member)." in out
    assert "Amara Okafor accepted the confidentiality commitment and joined." in out
    entries = out.split("Audit log of Action Lab 1 ==")[1].split("Newest first")[0]
    assert "`" not in entries and "=" not in entries and "member.role" not in entries
    assert "page 1 of 1" in out
    for i in range(20):
        await lab("Amara Okafor", f"/lab tz {'Asia/Manila' if i % 2 else 'Africa/Lagos'}")
    out = await lab("Gemma Rhodes", "/lab audit")
    assert "page 1 of 2 · 29 entries" in out
    out = await lab.press("Gemma Rhodes", "Next")
    assert "page 2 of 2" in out
    out = await lab("Priya Raman", "/lab audit")
    assert "Only facilitators can use `/lab audit`" in out


async def test_a_very_long_audit_entry_is_shortened_on_the_card(lab: Console, app: App) -> None:
    async with app.ctx.uow() as uow:
        await uow.audit.record(lab_id=1, actor_id=1, action="note.long", at=T_LONG,
                               text="x" * 5000)
        await uow.commit()
    out = await lab("Gemma Rhodes", "/lab audit")
    assert "Gemma Rhodes note long (text:" in out and "xxx…" in out
    assert "Something went wrong" not in out


async def test_an_unexpected_word_prints_the_usage_line(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab tz Europe/London extra")
    assert "I did not expect `extra` there." in out
    assert "Usage: `/lab me tz [<zone>]`" in out


async def test_lab_commands_in_a_direct_message_say_where_they_work(lab: Console) -> None:
    from bot.messages import Command, Place

    ctx = lab.adapter.ctx
    dm = Place("console", "local", "dm-amara-okafor", direct=True)
    reply = await ctx.router.dispatch(ctx, Command(lab.adapter.actor, dm, text="members"))
    assert reply.private
    assert "`/lab members` works in the lab's channel" in (reply.text or "")
    assert "`/lab home`" in (reply.text or "") and "`/lab me tz`" in (reply.text or "")
    assert "`/lab setup`" not in (reply.text or "")
    reply = await ctx.router.dispatch(ctx, Command(lab.adapter.actor, dm, text="tz"))
    assert "Your time zone is" in (reply.text or "")


async def test_a_reader_without_a_zone_sees_the_labs_zone_named(lab: Console) -> None:
    from bot.messages import Card, Text, at

    await lab("Newcomer", "/lab join")
    await lab.press("Newcomer", "I accept and join")
    lab.adapter.become("Newcomer")
    await lab.adapter.messenger.post(lab.adapter.place, Card((Text(f"Starts {at(T0)}"),)))
    assert "Starts Mon 04 Jan 2027, 10:00 GMT (Europe/London)" in lab.buffer.getvalue()


# --- a changed commitment is accepted again ------------------------------------------------------


async def test_a_changed_commitment_is_accepted_again_by_every_member(
        lab: Console, app: App, clock: SettableClock) -> None:
    clock.advance(timedelta(hours=1))  # they all accepted the first text an hour ago
    new_text = "We keep the lab's work confidential until the final report is published."
    out = await lab("Gemma Rhodes", f'/lab settings commitment "{new_text}"')
    assert "Every other member has been sent the new commitment" in out
    # Each other member gets it privately, in their own zone, with a button.
    assert "actionlab → Amara Okafor (direct message)" in out
    assert "The commitment of Action Lab 1 changed" in out and new_text in out
    assert "Mon 04 Jan 2027, 12:00 WAT (Africa/Lagos)" in out  # Amara's zone
    assert "actionlab → Gemma Rhodes" not in out  # she changed it, she has read it

    # Until they accept, the lab's commands say where to read it; nothing else happens.
    out = await lab("Amara Okafor", "/lab note Something")
    assert "The lab's confidentiality commitment changed on Mon 04 Jan 2027, 12:00 WAT" in out
    assert "Type `/lab join` to read the new text and accept it" in out
    out = await lab("Gemma Rhodes", "/lab members")  # the facilitator goes on
    assert "Members of Action Lab 1" in out

    out = await lab.press("Amara Okafor", "I accept the new commitment")
    assert "you accepted the new commitment of Action Lab 1" in out
    out = await lab("Amara Okafor", "/lab members")
    assert "Members of Action Lab 1" in out

    # `/lab join` shows it again; leaving stays open to whoever no longer agrees.
    out = await lab("Zoë Núñez", "/lab join")
    assert new_text in out and "I accept the new commitment" in out
    out = await lab.press("Zoë Núñez", "I accept the new commitment")
    assert "you accepted the new commitment" in out
    out = await lab.press("Zoë Núñez", "I accept the new commitment")  # the one in her DMs
    assert "already accepted the current commitment" in out
    out = await lab("Priya Raman", "/lab leave")
    assert "*Priya Raman* left Action Lab 1." in out
    async with app.ctx.uow() as uow:
        entries = await uow.audit.for_lab(1, action="member.reaccepted")
    assert len(entries) == 2


async def test_setting_the_same_commitment_asks_nobody(lab: Console, app: App) -> None:
    async with app.ctx.uow() as uow:
        lab_row = await uow.labs.get(1)
        assert lab_row is not None
        text = lab_row.commitment
    out = await lab("Gemma Rhodes", f'/lab settings commitment "{text}"')
    assert "direct message" not in out
    out = await lab("Amara Okafor", "/lab members")
    assert "Members of Action Lab 1" in out
