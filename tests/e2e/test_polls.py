"""Availability polls through the console, as people type them: opening (one line and the
guided form), answering page by page, results, pairs, closing, deleting, and every bad input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.domain.availability import Answer
from bot.events import Event, Happening, PollClosed, PollDeleted, PollOpened
from bot.features.polls import close_poll, unanswered
from bot.router import Router
from storage.models import AuditEntry, Poll, PollAnswer, PollSlot
from tests.conftest import Console

ISSUE_LINE = ('/lab poll new "Meeting 1" 2027-01-11..2027-01-22 days mon-fri window 09:00-18:00 '
              'tz Europe/London length 60m step 60m closes 2027-01-08 17:00')


async def counts(app: App) -> tuple[int, int, int, int]:
    async with app.ctx.uow() as uow:
        def n(model: Any) -> Any:
            return uow.session.scalar(select(func.count(model.id)))
        return (int(await n(Poll)), int(await n(PollSlot)), int(await n(PollAnswer)),
                int(await n(AuditEntry)))


async def answers_of(app: App, name: str, poll_number: int = 1) -> dict[int, Answer]:
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("console", "local",
                                              name.casefold().replace(" ", "-"))
        poll = await uow.polls.by_number(1, poll_number)
        assert person is not None and poll is not None
        slots = {s.id: s.number for s in await uow.polls.slots(poll.id)}
        mine = await uow.polls.answers_of(poll.id, person.id)
        return {slots[k]: v for k, v in mine.items()}


def flat(text: str) -> str:
    """Console output with its wrapping undone, so long lines can be matched whole."""
    return re.sub(r"\s+", " ", re.sub(r"\n {2}· ", " ", text))


class FlatConsole:
    """The shared console, returning each printout unwrapped."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.adapter = console.adapter
        self.buffer = console.buffer

    async def __call__(self, who: str, line: str, *answers: str) -> str:
        return flat(await self.console(who, line, *answers))

    async def press(self, who: str, label: str, choice: str | None = None) -> str:
        return flat(await self.console.press(who, label, choice))


@pytest.fixture
def lab(lab: FlatConsole) -> FlatConsole:
    return FlatConsole(lab)


def recorder(app: App, *types: type[Event]) -> list[Event]:
    seen: list[Event] = []
    extra = Router()
    for t in types:
        async def record(event: Event, happening: Happening) -> None:
            seen.append(event)
        extra.on(t)(record)
    app.ctx.router.include(extra)
    return seen


def saved_file(out: str, suffix: str) -> Path:
    match = re.search(r"\[file\] (\S+" + re.escape(suffix) + ")", out)
    assert match, out
    return Path(match.group(1))


# --- opening a poll -------------------------------------------------------------------------


async def test_the_one_line_form_from_the_issue(lab: FlatConsole, app: App) -> None:
    seen = recorder(app, PollOpened)
    out = await lab("Gemma Rhodes", ISSUE_LINE)
    assert "#lab · actionlab" in out  # everyone sees it
    assert "== Poll #1: Meeting 1 ==" in out
    assert "*90 slots* of 60 minutes, from Mon 11 Jan 2027, 09:00 GMT (Europe/London) to Fri " \
           "22 Jan 2027, 17:00 GMT" in out
    assert "Closes Fri 08 Jan 2027, 17:00 GMT (Europe/London)" in out
    assert "Required: Gemma Rhodes" in out and "*Results* shows who has answered so far." in out
    assert re.search(r"\[\d+\] Answer \[\d+\] Results", out)
    assert seen == [PollOpened(lab_id=1, poll_id=1,
                               closes_at=datetime(2027, 1, 8, 17, tzinfo=UTC))]
    async with app.ctx.uow() as uow:
        poll = await uow.polls.by_number(1, 1)
        assert poll is not None and poll.status == "open" and poll.length_minutes == 60
        assert len(await uow.polls.slots(poll.id)) == 90


async def test_defaults_come_from_the_lab(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", "/lab settings window 10:00-16:00 days mon,wed tz Africa/Lagos")
    out = await lab("Gemma Rhodes", "/lab poll new Kick-off 2027-01-11..2027-01-15")
    # Mon 11 and Wed 13, 10:00-16:00 Lagos, hourly: 6 a day.
    assert "*12 slots* of 60 minutes" in out and "within 10:00-16:00 Africa/Lagos" in out
    async with app.ctx.uow() as uow:
        poll = await uow.polls.by_number(1, 1)
        assert poll is not None
        # Closing 24 hours before the first slot (Mon 11 Jan 10:00 WAT = 09:00 UTC).
        assert poll.closes_at == datetime(2027, 1, 10, 9, tzinfo=UTC)


async def test_an_unquoted_title_and_numbering_per_lab(lab: FlatConsole) -> None:
    out = await lab("Gemma Rhodes", "/lab poll new Meeting 1 2027-01-11..2027-01-12")
    assert "== Poll #1: Meeting 1 ==" in out
    out = await lab("Gemma Rhodes", '/lab poll new "Meeting 2" 2027-01-18..2027-01-19')
    assert "== Poll #2: Meeting 2 ==" in out
    lab.adapter.channel = "other"
    await lab("Tom Fletcher", '/lab setup "Action Lab 2"')
    out = await lab("Tom Fletcher", '/lab poll new "First" 2027-01-18')
    assert "== Poll #1: First ==" in out


async def test_an_explicit_slot_list(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", '/lab poll new "Meeting 1" slots 2027-01-11T09:00,'
                                    '2027-01-12T14:30 tz Europe/London')
    assert "*2 slots* of 60 minutes" in out
    async with app.ctx.uow() as uow:
        starts = [s.starts_at for s in await uow.polls.slots(1)]
    assert starts == [datetime(2027, 1, 11, 9, tzinfo=UTC), datetime(2027, 1, 12, 14, 30,
                                                                      tzinfo=UTC)]


async def test_required_attendees_are_named_when_opening(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", '/lab poll new "M" 2027-01-11 required Amara, Priya')
    assert "Required: Amara Okafor, Priya Raman." in out
    out = await lab("Gemma Rhodes", '/lab poll new "N" 2027-01-11 required none')
    assert "Required: nobody." in out
    out = await lab("Gemma Rhodes", '/lab poll new "O" 2027-01-11 required Bob')
    assert "No member of Action Lab 1 is called `Bob`" in out


async def test_one_of_anything_is_singular(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", '/lab poll new "Solo" slots 2027-01-11T09:00 length 1m')
    assert "*1 slot* of 1 minute, from Mon 11 Jan 2027, 09:00 GMT" in out
    assert "*Results* shows who has answered so far." in out
    out = await lab("Amara Okafor", ":press Answer")
    assert "You have answered 0 of 1 slot." in out
    await lab("Amara Okafor", "/lab poll answer 1 1 yes")
    out = await lab("Amara Okafor", "/lab poll results 1")
    assert "4 members (rows) by 1 slot (columns)" in out
    out = await lab("Amara Okafor", "/lab poll pairs 1 gap 1h")
    assert "No two usable slots of poll #1 are 1 hour apart: only 1 slot is usable. Try a " \
           "smaller gap" not in out  # one slot: no gap would help
    assert "No two usable slots of poll #1 are 1 hour apart: only 1 slot is usable." in out
    out = await lab("Gemma Rhodes", "/lab poll delete 1")
    assert "*Delete poll #1 (Solo)?* It stops taking answers at once. Its 1 answer and" in out


async def test_the_guided_form_opens_with_no_arguments(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", "/lab poll new", "Meeting 1", "2027-01-11..2027-01-12",
                    "", "", "")
    assert "== New availability poll ==" in out
    assert "Days [mon-fri]: " in out and "Window (HH:MM-HH:MM) [09:00-18:00]: " in out
    assert "Time zone of the window [Europe/London]: " in out
    assert "== Poll #1: Meeting 1 ==" in out and "*18 slots*" in out


async def test_the_form_reports_mistakes_like_the_line(lab: FlatConsole, app: App) -> None:
    before = await counts(app)
    out = await lab("Gemma Rhodes", "/lab poll new", "Meeting 1", "2027-01-11..2027-01-12",
                    "", "", "Europe/Lodnon")
    assert "`Europe/Lodnon` is not a time zone I know. Did you mean `Europe/London`" in out
    assert await counts(app) == before
    # The form is gone; what was typed into it is not: one line to correct and send.
    kept = ('/lab poll new "Meeting 1" 2027-01-11..2027-01-12 days mon-fri '
            'window 09:00-18:00 tz Europe/Lodnon')
    assert f"What you entered, as one line to correct and send: `{kept}`" in out
    out = await lab("Gemma Rhodes", kept.replace("Lodnon", "London"))
    assert "== Poll #1: Meeting 1 ==" in out and "*18 slots*" in out


async def test_only_facilitators_open_polls(lab: FlatConsole, app: App) -> None:
    before = await counts(app)
    out = await lab("Amara Okafor", ISSUE_LINE)
    assert "Only facilitators can use `/lab poll new`" in out
    assert await counts(app) == before


# --- every bad input in the issue: its own private message, nothing recorded -------------------


@pytest.mark.parametrize(("line", "message"), [
    ('/lab poll new "M" 2027-01-22..2027-01-11',
     "The date range ends (Mon 11 Jan 2027) before it starts (Fri 22 Jan 2027). Write the "
     "earlier date first: 2027-01-11..2027-01-22."),
    ('/lab poll new "M" 2027-01-11..2027-01-22 window 09:00-09:30',
     "The window 09:00-09:30 Europe/London is too short for one 60-minute slot, so the poll "
     "would be empty."),
    ('/lab poll new "M" 2027-01-11..2027-01-22 window 18:00-09:00',
     "The window 18:00-09:00 ends before it starts"),
    ('/lab poll new "M" 2027-01-09..2027-01-10',
     "No slot fits: none of the days from Sat 09 Jan to Sun 10 Jan 2027 is a meeting day"),
    ('/lab poll new "M" 2026-12-28..2027-01-08',
     "Mon 28 Dec 2026 is in the past (it is Mon 04 Jan 2027 in Europe/London). Start the poll "
     "today or later."),
    ('/lab poll new "M" 2027-01-11..2027-01-22 closes 2027-01-02 17:00',
     "The closing time 2027-01-02 17:00 (Europe/London) is in the past"),
    ('/lab poll new "M" 2027-01-11..2027-01-22 closes 2027-01-15 17:00',
     "after its first slot"),
    ('/lab poll new "M" 2027-01-11..2027-02-10',
     "That makes 207 slots; a poll holds at most 200. Shorten the date range"),
    ('/lab poll new "M" 2027-01-11..2027-01-22 tz Europe/Lodnon',
     "`Europe/Lodnon` is not a time zone I know. Did you mean `Europe/London`"),
    ('/lab poll new "M" slots 2027-01-11T08:00 tz Europe/London',
     "The slot 2027-01-11T08:00 falls outside the window 09:00-18:00 Europe/London."),
    ('/lab poll new "M" 2027-01-11..2027-01-12 slots 2027-01-11T09:00',
     "Give either a date range or `slots`, not both."),
    ('/lab poll new "M"', "Say when: a date range such as `2027-01-11..2027-01-22`"),
    ('/lab poll new "M" next-week', "`next-week` is not a date; write it as YYYY-MM-DD"),
    ('/lab poll new "M" 2027-01-11 length 0m', "`length 0m` is out of range"),
    ('/lab poll new "M" 2027-01-11 length 99999999999999999999m',
     "`length 99999999999999999999m` is out of range; use 1m to 24h, e.g. `length 60m`."),
    ('/lab poll new "M" 2027-01-11 step 99999999999d',
     "`step 99999999999d` is out of range; use 1m to 24h, e.g. `step 60m`."),
    ('/lab poll new "M" 9999-12-31 tz America/Los_Angeles',
     "Fri 31 Dec 9999 is more than two years ahead (it is Mon 04 Jan 2027 in "
     "America/Los_Angeles). Check the year."),
    ('/lab poll new "M" slots 9999-12-31T17:00 tz America/Los_Angeles',
     "is more than two years ahead"),
    ('/lab poll new "M" 2027-01-11 closes 9999-12-31 23:00 tz America/Los_Angeles',
     "9999-12-31T23:00 is too far ahead; check the year."),
])
async def test_bad_definitions_are_refused_privately(lab: FlatConsole, app: App, line: str,
                                                     message: str) -> None:
    before = await counts(app)
    out = await lab("Gemma Rhodes", line)
    assert "only Gemma Rhodes sees this" in out
    assert message in out
    assert await counts(app) == before


async def test_an_answer_to_a_closed_poll_is_refused(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", '/lab poll new "M" 2027-01-11..2027-01-12')
    await lab("Amara Okafor", "/lab poll answer 1 1 yes")
    out = await lab("Amara Okafor", ":press Answer")  # a card opened while it was open
    await lab("Gemma Rhodes", "/lab poll close 1")
    before = await counts(app)
    out = await lab("Amara Okafor", "/lab poll answer 1 1 no")
    assert "only Amara Okafor sees this" in out
    assert "Poll #1 (M) closed on" in out and "answers can no longer change" in out
    assert "`/lab poll results 1`" in out
    out = await lab("Amara Okafor", ":press All no")
    assert "answers can no longer change" in out
    assert await counts(app) == before
    assert await answers_of(app, "Amara Okafor") == {1: Answer.YES}


async def test_a_passed_deadline_stops_answers_even_before_the_timer(
    lab: FlatConsole, app: App, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", '/lab poll new "M" 2027-01-11..2027-01-12')
    clock.set(datetime(2027, 1, 10, 9, 0, tzinfo=UTC))  # the default deadline
    out = await lab("Amara Okafor", "/lab poll answer 1 1 yes")
    assert "answers can no longer change" in out


async def test_an_answer_from_a_non_member_is_refused(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", '/lab poll new "M" 2027-01-11..2027-01-12')
    await lab("Zoë Núñez", ":press Answer")
    await lab("Zoë Núñez", "/lab leave")
    before = await counts(app)
    out = await lab("Stranger", "/lab poll answer 1 1 yes")
    assert "only Stranger sees this" in out
    assert "You are not a member of the lab here yet. Type `/lab join`" in out
    out = await lab("Stranger", ":press Answer")  # the public card's button
    assert "You are not a member of the lab here yet" in out
    out = await lab("Zoë Núñez", ":press All yes")  # her card, from before she left
    assert "You are not a member of the lab here yet" in out
    assert await counts(app) == before


@pytest.mark.parametrize(("line", "message"), [
    ("/lab poll answer 1 19 yes",
     "There is no slot 19: this poll has slots 1 to 18. Look at the poll's card"),
    ("/lab poll answer 1 3-25 yes", "There is no slot 19"),
    ("/lab poll answer 7 1 yes", "Action Lab 1 has no poll #7. Its polls: #1 M (open)."),
    ("/lab poll results 7", "Action Lab 1 has no poll #7."),
    ("/lab poll answer Lunch 1 yes", "Action Lab 1 has no poll `Lunch`."),
    ("/lab poll answer 1 3", "Say yes, maybe or no after the slots, e.g. "
                             "`/lab poll answer 1 3 yes`."),
    ("/lab poll answer 1 3 perhaps", "Usage: `/lab poll answer <poll> [<slot numbers>] "
                                     "[<yes|maybe|no>]`"),
    ("/lab poll answer 1 yes", "Which slots? Put their numbers before the answer, e.g. "
                               "`/lab poll answer 1 3,5-7 yes`, or `all` for every slot: "
                               "`/lab poll answer 1 all yes`. `/lab poll answer 1` opens your "
                               "answer card."),
    ("/lab poll answer 1 Maybe", "Which slots? Put their numbers before the answer, e.g. "
                                 "`/lab poll answer 1 3,5-7 maybe`"),
    ("/lab poll answer #1 no", "e.g. `/lab poll answer 1 3,5-7 no`, or `all` for every slot: "
                               "`/lab poll answer 1 all no`."),
    ("/lab poll answer 1 three yes", "`three` is not a slot number"),
    ("/lab poll answer 1 1-99999999999999999999 yes", "There is no slot 19"),
    ("/lab poll answer 99999999999999999999 1 yes",
     "<poll> must be at most 1000000 (you gave `99999999999999999999`)."),
    ("/lab poll results 99999999999999999999", "<poll> must be at most 1000000"),
])
async def test_bad_answers_are_refused_privately(lab: FlatConsole, app: App, line: str,
                                                 message: str) -> None:
    await lab("Gemma Rhodes", '/lab poll new "M" 2027-01-11..2027-01-12')
    before = await counts(app)
    out = await lab("Amara Okafor", line)
    assert "only Amara Okafor sees this" in out
    assert message in out
    assert await counts(app) == before


async def test_no_poll_yet_says_how_to_start_one(lab: FlatConsole) -> None:
    out = await lab("Amara Okafor", "/lab poll results 1")
    assert "has no poll #1. It has no polls yet; a facilitator can open one with " \
           "`/lab poll new`." in out


# --- answering -------------------------------------------------------------------------------


async def test_answers_by_text_can_change_until_the_poll_closes(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", ISSUE_LINE)
    out = await lab("Amara Okafor", "/lab poll answer 1 3,5-7 yes")
    assert "*Yes* to 4 slots of poll #1: `#3` Mon 11 Jan 12:00 WAT, `#5` Mon 11 Jan 14:00 WAT" \
           in out
    assert "(times in Africa/Lagos)" in out and "You have answered 4 of 90" in out
    out = await lab("Amara Okafor", "/lab poll answer #1 5 maybe")
    assert "*If need be* to 1 slot of poll #1" in out
    await lab("Amara Okafor", "/lab poll answer 1 6 no")
    assert await answers_of(app, "Amara Okafor") == {
        3: Answer.YES, 5: Answer.MAYBE, 6: Answer.NO, 7: Answer.YES}
    await lab("Amara Okafor", '/lab poll answer "Meeting 1" all no')
    assert set((await answers_of(app, "Amara Okafor")).values()) == {Answer.NO}


async def test_the_answer_may_come_first_and_in_capitals(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", ISSUE_LINE)
    out = await lab("Amara Okafor", "/lab poll answer 1 yes 3,5")
    assert "*Yes* to 2 slots of poll #1: `#3` Mon 11 Jan 12:00 WAT, `#5`" in out
    out = await lab("Amara Okafor", "/lab poll answer 1 5 Maybe")
    assert "*If need be* to 1 slot of poll #1" in out
    out = await lab("Amara Okafor", "/lab poll answer 1 NO 6-7")
    assert "*No* to 2 slots of poll #1" in out
    assert await answers_of(app, "Amara Okafor") == {
        3: Answer.YES, 5: Answer.MAYBE, 6: Answer.NO, 7: Answer.NO}


async def test_the_answer_card_pages_by_the_members_own_day(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", ISSUE_LINE)
    out = await lab("Priya Raman", ":press Answer")
    assert "only Priya Raman sees this" in out
    assert "== Poll #1: Meeting 1 · Mon 11 Jan ==" in out
    assert "`#1` 14:30–15:30 IST — _not answered_" in out
    assert "`#9` 22:30–23:30 IST — _not answered_ · _late for you_" in out
    assert "Times in your zone, Asia/Kolkata (IST). Day 1 of 10." in out
    out = await lab("Priya Raman", ":press Yes: choose slots -> 2")
    assert "(replaces" in out and "`#2` 15:30–16:30 IST — *yes*" in out
    assert "You have answered 1 of 90 slots" in out
    out = await lab("Priya Raman", ":press Next day")
    assert "== Poll #1: Meeting 1 · Tue 12 Jan ==" in out and "Day 2 of 10" in out
    out = await lab("Priya Raman", ":press All if need be")
    assert "`#10` 14:30–15:30 IST — *if need be*" in out
    out = await lab("Priya Raman", ":press No: choose slots -> #18 Tue 12 Jan 22:30 IST")
    assert "`#18` 22:30–23:30 IST — *no* · _late for you_" in out
    out = await lab("Priya Raman", ":press ◀ Previous day")
    assert "Day 1 of 10" in out and "`#2` 15:30–16:30 IST — *yes*" in out
    mine = await answers_of(app, "Priya Raman")
    assert mine[2] is Answer.YES and mine[18] is Answer.NO
    assert [mine[n] for n in range(10, 18)] == [Answer.MAYBE] * 8
    # The card opens where the member left off: the first page with an unanswered slot.
    out = await lab("Priya Raman", "/lab poll answer 1")
    assert "== Poll #1: Meeting 1 · Mon 11 Jan ==" in out
    await lab("Priya Raman", "/lab poll answer 1 1-9 yes")
    out = await lab("Priya Raman", "/lab poll answer 1")
    assert "== Poll #1: Meeting 1 · Wed 13 Jan ==" in out


async def test_early_slots_are_marked_for_the_member_in_sao_paulo(lab: FlatConsole) -> None:
    await lab("Gemma Rhodes", ISSUE_LINE)
    out = await lab("Zoë Núñez", ":press Answer")
    assert "Times in your zone, America/Sao_Paulo (UTC-3)" in out
    assert "`#1` 06:00–07:00 UTC-3 — _not answered_ · _early for you_" in out
    assert "`#2` 07:00–08:00 UTC-3 — _not answered_ · _early for you_" in out
    assert "`#3` 08:00–09:00 UTC-3 — _not answered_ `#4`" in out


async def test_a_200_slot_poll_pages_and_every_page_answers(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", '/lab poll new "Big" 2027-01-11..2027-02-05 '
                                    'window 08:00-18:00')
    # The 08:00 slots are before the lab's hours (09:00-18:00): the facilitator confirms.
    assert "20 of its 200 slots are outside the lab's hours" in out
    out = await lab("Gemma Rhodes", ":press Confirm: open the poll")
    assert "*200 slots*" in out
    out = await lab("Amara Okafor", ":press Answer")
    assert "Day 1 of 20" in out
    for day in range(1, 21):
        out = await lab("Amara Okafor", ":press All yes")
        assert f"Day {day} of 20" in out and f"answered {10 * day} of 200" in out
        if day < 20:
            out = await lab("Amara Okafor", ":press Next day")
    assert "Next day" not in out
    assert set((await answers_of(app, "Amara Okafor")).values()) == {Answer.YES}
    assert len(await answers_of(app, "Amara Okafor")) == 200


async def test_a_long_day_splits_into_parts(lab: FlatConsole) -> None:
    await lab("Gemma Rhodes", '/lab poll new "Busy" 2027-01-11 window 09:00-18:00 length 15m '
                              'step 15m')
    out = await lab("Gemma Rhodes", ":press Answer")
    assert "Mon 11 Jan (part 1 of 2)" in out and "`#25`" in out and "`#26`" not in out
    out = await lab("Gemma Rhodes", ":press Next day")
    assert "Mon 11 Jan (part 2 of 2)" in out and "`#36`" in out


# --- results and pairs ---------------------------------------------------------------------


async def answer_small_poll(lab: FlatConsole) -> None:
    """Four slots; Gemma (required) cannot do slot 1, which everyone else likes."""
    await lab("Gemma Rhodes", '/lab poll new "M" slots 2027-01-11T09:00,2027-01-12T09:00,'
                              '2027-01-19T09:00,2027-01-20T09:00')
    await lab("Gemma Rhodes", "/lab poll answer 1 1 no")
    await lab("Gemma Rhodes", "/lab poll answer 1 2-4 yes")
    await lab("Amara Okafor", "/lab poll answer 1 1,2 yes")
    await lab("Amara Okafor", "/lab poll answer 1 3,4 no")
    await lab("Zoë Núñez", "/lab poll answer 1 1,3 yes")
    await lab("Zoë Núñez", "/lab poll answer 1 2 maybe")


async def test_results_rank_name_and_drop(lab: FlatConsole, app: App) -> None:
    await answer_small_poll(lab)
    out = await lab("Priya Raman", "/lab poll results 1")
    assert "only Priya Raman sees this" in out
    ranked = re.findall(r"(?:\d+\.|✗) `#\d+` .+? \d+ no(?: · dropped: .+? said no)?", out)
    assert [r.strip() for r in ranked] == [
        "1. `#2` Tue 12 Jan 14:30 IST — 2 yes, 1 if need be, 0 no",
        "2. `#3` Tue 19 Jan 14:30 IST — 2 yes, 0 if need be, 1 no",
        "3. `#4` Wed 20 Jan 14:30 IST — 1 yes, 0 if need be, 1 no",
        "✗ `#1` Mon 11 Jan 14:30 IST — 2 yes, 0 if need be, 1 no · dropped: Gemma Rhodes "
        "(required) said no",
    ]
    assert "yes: Gemma Rhodes, Amara Okafor · if need be: Zoë Núñez · no: —" in out
    assert "Not answered yet: Priya Raman." in out
    assert "Times in your zone, Asia/Kolkata." in out
    png = saved_file(out, "heat-map.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "— Heat map of poll #1 (M): 4 members (rows) by 4 slots (columns); green yes, " \
           "amber if need be, red no, grey not answered. Best slot: #2, Tue 12 Jan 2027, " \
           "14:30 IST (Asia/Kolkata), with 2 yes and 1 if need be. Not answered: Priya " \
           "Raman." in out  # in the reader's zone, as the picture's columns are


async def test_results_page_through_many_slots(lab: FlatConsole) -> None:
    await lab("Gemma Rhodes", ISSUE_LINE)
    out = await lab("Amara Okafor", ":press Results")
    assert "Page 1 of 9 · 90 slots" in out and "[file]" in out
    out = await lab("Amara Okafor", ":press Next")
    assert "Page 2 of 9" in out and "(replaces" in out and "[file]" not in out
    out = await lab("Amara Okafor", ":press ◀ Previous")
    assert "Page 1 of 9" in out and "(replaces" in out and "[file]" not in out


async def test_pairs_explain_their_scores(lab: FlatConsole) -> None:
    await answer_small_poll(lab)
    out = await lab("Amara Okafor", "/lab poll pairs 1")
    assert "== Best pairs for poll #1: M ==" in out
    assert "1. `#2` Tue 12 Jan 10:00 WAT + `#3` Tue 19 Jan 10:00 WAT" in out
    assert "3 of 4 can attend at least one, 2 both; Amara Okafor only #2; 1 neither; 4 yes " \
           "answers across the two." in out
    assert "#1" not in out.split("==")[2].split("Times in")[0].replace("#1 ", "")  # dropped
    assert "Pairs at least 1 day apart" in out
    out = await lab("Amara Okafor", "/lab poll pairs 1 gap 7d")
    assert "1. `#2` Tue 12 Jan 10:00 WAT + `#3` Tue 19 Jan 10:00 WAT" in out
    assert "`#3` Tue 19 Jan 10:00 WAT + `#4`" not in out  # one day apart only
    out = await lab("Amara Okafor", "/lab poll pairs 1 gap 14d")
    # #2 (12 Jan), #3 (19 Jan) and #4 (20 Jan): #1 (11 Jan) is dropped, so 8 days, not 9.
    assert "No two usable slots of poll #1 are 14 days apart: 3 slots are usable and they " \
           "span 8 days. Try a smaller gap" in out
    out = await lab("Amara Okafor", "/lab poll pairs 1 gap 200h")
    assert "are 200 hours apart" in out
    out = await lab("Amara Okafor", "/lab poll pairs 1 gap soon")
    assert "'soon' is not a duration" in out
    for gap in ("99999999999d", "99999999999h", "367d"):
        out = await lab("Amara Okafor", f"/lab poll pairs 1 gap {gap}")
        assert "only Amara Okafor sees this" in out
        assert f"`gap {gap}` is out of range; use 0d to 366d, e.g. `gap 14d`." in out


async def test_help_for_pairs_shows_the_default_gap(lab: FlatConsole) -> None:
    out = await lab("Amara Okafor", "/lab help poll")
    assert "`/lab poll pairs <poll> [gap 1d]` — The best pairs of slots for the lab's two " \
           "meetings, at least `gap` apart start to start: 1 day unless you say, e.g. " \
           "`gap 14d`." in out
    out = await lab("Amara Okafor", "/lab help poll pairs")
    assert "Usage: `/lab poll pairs <poll> [gap 1d]`" in out
    assert "`/lab poll pairs 1 gap 14d`" in out
    out = await lab("Amara Okafor", "/lab poll pairs 1 gap")
    assert "`gap` needs a value after it: `gap <1d>`." in out


# --- closing, deleting, the hooks for the deadline timer --------------------------------------


async def test_closing_announces_the_best_slots_and_publishes_the_outcome(
    lab: FlatConsole, app: App
) -> None:
    seen = recorder(app, PollClosed)
    await answer_small_poll(lab)
    out = await lab("Amara Okafor", "/lab poll close 1")
    assert "Only facilitators can use `/lab poll close`" in out
    out = await lab("Gemma Rhodes", "/lab poll close 1")
    assert "== Poll #1 closed: M ==" in out
    assert "1. `#2` Tue 12 Jan 2027, 09:00 GMT (Europe/London) — 2 yes, 1 if need be, 0 no" \
           in out
    assert "Poll #1 is closed; I told the lab." in out
    outcome = ("Best slot: #2, Tue 12 Jan 2027, 09:00 GMT (Europe/London) "
               "(2 yes, 1 if need be, 0 no)")
    assert seen == [PollClosed(lab_id=1, poll_id=1, title="M", outcome=outcome)]
    out = await lab("Gemma Rhodes", "/lab poll close 1")
    assert "Poll #1 is already closed" in out
    out = await lab("Gemma Rhodes", "/lab poll results 1")
    assert "The poll is closed." in out


async def test_close_poll_works_from_a_timer_and_only_once(lab: FlatConsole, app: App) -> None:
    seen = recorder(app, PollClosed)
    await answer_small_poll(lab)
    now = datetime(2027, 1, 10, 9, tzinfo=UTC)
    async with app.ctx.uow() as uow:
        assert await unanswered(uow, 1) == [3, 4]  # Zoë left slot 4 blank; Priya answered none
        assert await close_poll(app.ctx, uow, 1, now) is True
        await uow.commit()
    async with app.ctx.uow() as uow:
        assert await close_poll(app.ctx, uow, 1, now + timedelta(hours=1)) is False
        await uow.commit()
        poll = await uow.polls.get(1)
        assert poll is not None and poll.status == "closed" and poll.closed_at == now
        assert poll.closed_by_id is None
        entry = (await uow.audit.for_lab(1, action="poll.closed"))[-1]
        assert entry.detail["by"] == "deadline"
    assert len(seen) == 1
    out = lab.buffer.getvalue()
    assert "== Poll #1 closed: M ==" in out  # announced in the lab's channel after commit


async def test_delete_asks_first_and_keeps_the_answers(lab: FlatConsole, app: App) -> None:
    seen = recorder(app, PollDeleted)
    await answer_small_poll(lab)
    out = await lab("Gemma Rhodes", "/lab poll delete 1")
    assert "*Delete poll #1 (M)?* It stops taking answers at once. Its 11 answers" in out
    control = re.search(r"\[(\d+)\] Delete poll #1", out)
    assert control
    out = await lab("Amara Okafor", control.group(1))
    assert "on a message only Gemma Rhodes can see" in out
    out = await lab("Gemma Rhodes", ":press Delete poll #1")
    assert "Gemma Rhodes deleted poll #1 (M)." in out
    assert seen == [PollDeleted(lab_id=1, poll_id=1)]
    _, slots, answers, _ = await counts(app)
    assert (slots, answers) == (4, 11)  # kept for a restore (tests/e2e/test_destructive.py)
    out = await lab("Amara Okafor", "/lab poll results 1")
    assert "has no poll #1" in out
    out = await lab("Gemma Rhodes", '/lab poll new "Again" 2027-01-11')
    assert "== Poll #2: Again ==" in out  # numbers are never reused


# --- autocomplete and home -------------------------------------------------------------------


async def test_poll_autocomplete_and_home(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", '/lab poll new "Meeting 1" 2027-01-11..2027-01-12')
    await lab("Gemma Rhodes", '/lab poll new "Kick-off" 2027-01-18')
    ctx, actor, place = app.ctx, lab.adapter.actor, lab.adapter.place
    assert await ctx.router.complete(ctx, actor, place, "poll", "") == [
        ("#2 Kick-off (open)", "2"), ("#1 Meeting 1 (open)", "1")]
    assert await ctx.router.complete(ctx, actor, place, "poll", "meet") == [
        ("#1 Meeting 1 (open)", "1")]
    await lab("Amara Okafor", "/lab poll answer 2 all yes")
    out = await lab("Amara Okafor", "/lab home")
    assert "Polls waiting for your answers" in out
    assert "*Poll #1: Meeting 1* (Action Lab 1) — 0 of 18 answered, closes in 5 days. " \
           "`/lab poll answer 1`" in out
    assert "Kick-off" not in out  # answered in full


async def test_a_member_without_a_zone_sees_the_labs_and_is_told_so(lab: FlatConsole) -> None:
    await lab("Gemma Rhodes", ISSUE_LINE)
    await lab("Tom Fletcher", "/lab join")
    await lab("Tom Fletcher", ":press I accept and join")
    out = await lab("Tom Fletcher", ":press Answer")
    assert "`#1` 09:00–10:00 GMT" in out
    assert "Times in Europe/London (GMT), the lab's zone (set yours with `/lab tz <zone>`)" in out
