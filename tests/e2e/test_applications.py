"""A whole call through the console: open, three applications, scores by two reviewers,
the shortlist, two accepted and one declined, invitations taken up, and the limit; then
each bad input the issue names, each refused privately with nothing changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.domain.applications import ApplicationStatus
from bot.scheduling import ManualJobs
from storage.models import Application, ApplicationReview, Membership
from tests.conftest import T0, Console

ANSWERS = {
    "Amara Okafor": ("Ten years of civic tech in Lagos", "I facilitate and write",
                     "Yes, I commit", "West African NGOs", "Yes, both"),
    "Zoë Núñez": ("Procurement research", "Consensus builder", "Yes", "Latin America",
                  "Yes"),
    "Priya Raman": ("Government digital service", "Clear notes", "Yes", "Public servants",
                    "Mornings only"),
}


async def state(app: App) -> dict[str, ApplicationStatus]:
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Application))).all()
        names = await uow.people.names([a.person_id for a in rows])
        return {names[a.person_id]: a.status for a in rows}


async def counts(app: App) -> tuple[int, int, int]:
    async with app.ctx.uow() as uow:
        apps = await uow.session.scalar(select(func.count(Application.id)))
        reviews = await uow.session.scalar(select(func.count(ApplicationReview.id)))
        members = await uow.session.scalar(select(func.count(Membership.id))
                                           .where(Membership.active.is_(True)))
        return int(apps or 0), int(reviews or 0), int(members or 0)


async def open_call(console: Console) -> str:
    await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    await console("Gemma Rhodes", "/lab tz Europe/London")
    await console("Gemma Rhodes", "/lab settings limit 2")
    return await console("Gemma Rhodes", "/lab call open closes 2027-01-20 hear 2027-02-01")


async def apply(console: Console, who: str, zone: str) -> str:
    await console(who, f"/lab tz {zone}")
    lines = [part for answer in ANSWERS[who] for part in (answer, "")]  # multi-line fields
    return await console(who, "/lab apply", *lines)


async def test_a_whole_call(console: Console, app: App, clock: SettableClock) -> None:
    out = await open_call(console)
    assert "Apply to join Action Lab 1" in out and "You will hear by" in out
    assert "Monday 01 February 2027" in out

    out = await apply(console, "Amara Okafor", "Africa/Lagos")
    # The availability question shows the window in the applicant's own zone.
    assert "2 meetings 09-18 GMT = 10:00-19:00 WAT?" in out
    assert "Your application to Action Lab 1" in out and "Saved" in out
    assert "Ten years of civic tech in Lagos" in out
    out = await apply(console, "Zoë Núñez", "America/Sao_Paulo")
    assert "06:00-15:00" in out
    await apply(console, "Priya Raman", "Asia/Kolkata")
    assert len(await state(app)) == 3

    # An applicant sees their own application and nothing of anyone else's.
    out = await console("Zoë Núñez", "/lab apply")
    assert "Procurement research" in out
    assert "Amara" not in out and "Priya" not in out and "Lagos" not in out

    # Two reviewers of the steering group.
    await console("Rosa Steer", "/lab help")
    await console("Tom Steer", "/lab help")
    assert "can now read and score" in await console("Gemma Rhodes",
                                                     "/lab reviewer add Rosa Steer")
    await console("Gemma Rhodes", "/lab reviewer add Tom Steer")

    out = await console("Rosa Steer", "/lab application 1")
    assert "Application #1: Amara Okafor" in out and "Ten years" in out
    assert "10:00-19:00 WAT (Africa/Lagos)" in out
    await console("Rosa Steer", "/lab score 1 5 4 5 4 5 note Strong, local networks")
    await console("Rosa Steer", "/lab score 2 4 4 5 5 4")
    await console("Rosa Steer", "/lab score 3 3 3 4 3 2")
    await console("Tom Steer", "/lab score 1 4 4 5 4 5")
    await console("Tom Steer", "/lab score 2 5 5 5 4 4")
    out = await console("Tom Steer", "/lab score 3 interest 2")
    assert "your note" not in out  # Rosa's private note is not Tom's to read
    out = await console("Tom Steer", "/lab application 1")
    assert "Strong, local networks" not in out
    out = await console("Rosa Steer", "/lab application 1")
    assert "your note: Strong, local networks" in out

    out = await console("Rosa Steer", "/lab applications")
    first, second, third = (out.index(f"#{n} ") for n in (1, 2, 3))
    assert first < second < third  # 4.6 and 4.6 ... then 3.1: ranked best first
    assert "from 2 reviewer(s)" in out and "06:00-15:00" in out

    # The limit is 2: accept two, decline one; a third acceptance is refused.
    assert "invitation is on its way" in await console("Gemma Rhodes", "/lab accept 1")
    await console("Gemma Rhodes", "/lab accept 2")
    before = await state(app)
    out = await console("Gemma Rhodes", "/lab accept 3")
    assert "over the lab's limit of 2 members" in out and await state(app) == before
    out = await console("Gemma Rhodes", "/lab decline 3")
    assert "told, kindly" in out
    assert "not been able to offer you one" in console.transcript[-1]

    # Invitations, in each applicant's direct messages.
    out = await console.press("Amara Okafor", "I accept and join")
    assert "Welcome to Action Lab 1" in out
    await console.press("Zoë Núñez", "I accept and join")
    assert await state(app) == {"Amara Okafor": ApplicationStatus.JOINED,
                                "Zoë Núñez": ApplicationStatus.JOINED,
                                "Priya Raman": ApplicationStatus.DECLINED}
    out = await console("Amara Okafor", "/lab members")
    assert "Zoë Núñez" in out

    # The export for the team: CSV with the scores.
    out = await console("Gemma Rhodes", "/lab call export csv")
    path = next(line.split("[file] ")[1].split(" —")[0] for line in out.splitlines()
                if "[file]" in line)
    text = Path(path).read_text(encoding="utf-8")  # noqa: ASYNC240
    assert "Amara Okafor" in text and "Strong, local networks" in text and "4.5" in text
    out = await console("Gemma Rhodes", "/lab call export md")
    assert ".md" in out

    # Retention: 90 days after the decision, the declined applicant's data is gone.
    from bot.features.applications import purge_declined

    clock.set(T0 + timedelta(days=91))
    async with app.ctx.uow() as uow:
        assert await purge_declined(app.ctx, uow, clock.now()) == 1
        await uow.commit()
    assert "Priya Raman" not in await state(app)


async def test_bad_inputs_each_get_their_own_message(
        console: Console, app: App, clock: SettableClock) -> None:
    await open_call(console)
    await apply(console, "Amara Okafor", "Africa/Lagos")
    await console("Rosa Steer", "/lab help")
    await console("Gemma Rhodes", "/lab reviewer add Rosa Steer")
    before = await counts(app)

    # A second application: the first is shown, to change, and nothing new is made.
    out = await console("Amara Okafor", "/lab apply")
    assert "already applied" in out
    assert await counts(app) == before

    # A reviewer trying any other command.
    for line in ("/lab members", "/lab join", "/lab poll new", "/lab accept 1", "/lab leave"):
        out = await console("Rosa Steer", line)
        assert "You review this lab's applications" in out or "Only facilitators" in out, line
    out = await console("Rosa Steer", "/lab members")
    assert "that is all a reviewer can do here" in out

    # A score out of range.
    for bad in ("/lab score 1 6 4 5 4 5", "/lab score 1 interest 0", "/lab score 1 4 4"):
        out = await console("Rosa Steer", bad)
        assert "Nothing was changed" in out or "is not" in out, bad
    assert await counts(app) == before

    # An application after the close.
    clock.set(T0 + timedelta(days=20))
    out = await console("Priya Raman", "/lab apply")
    assert "Applications to this lab closed" in out
    assert await counts(app) == before

    # Not a reviewer: someone else cannot read applications.
    out = await console("Priya Raman", "/lab applications")
    assert "Only the lab's facilitators and reviewers" in out


async def test_join_can_be_switched_off_for_a_lab_that_uses_a_call(console: Console) -> None:
    await open_call(console)
    out = await console("Gemma Rhodes", "/lab settings join off")
    assert "off (members come through the call for applications)" in out
    out = await console("Amara Okafor", "/lab join")
    assert "takes members through its call for applications" in out
    await console("Gemma Rhodes", "/lab settings join on")
    out = await console("Amara Okafor", "/lab join")
    assert "I accept and join" in out


async def test_facilitators_are_reminded_before_the_promised_date_only_while_undecided(
    console: Console, app: App, clock: SettableClock, jobs: ManualJobs
) -> None:
    await open_call(console)  # closes Wed 20 Jan, applicants hear by Mon 01 Feb 2027
    await apply(console, "Amara Okafor", "Africa/Lagos")
    await apply(console, "Zoë Núñez", "America/Sao_Paulo")
    await console("Gemma Rhodes", "/lab accept 1")
    start = console.buffer.tell()
    # Two days before the promised date, 09:00 in the lab's zone (London, GMT in January).
    await jobs.run_until(clock, datetime(2027, 1, 30, 8, 59, tzinfo=UTC))
    assert "Applications to Action Lab 1" not in console.buffer.getvalue()[start:]
    await jobs.run_until(clock, datetime(2027, 1, 30, 9, 1, tzinfo=UTC))
    told = re.sub(r"\s*\n\s*(· )?", " ", console.buffer.getvalue()[start:])
    assert "actionlab → Gemma Rhodes (direct message)" in told
    assert ("Applications to Action Lab 1: 1 still undecided; applicants were promised an "
            "answer by Monday 01 February 2027") in told
    assert "See the shortlist" in told
    assert "→ Amara Okafor" not in told and "→ Zoë Núñez" not in told  # facilitators only


async def test_no_reminder_once_every_applicant_has_an_answer(
    console: Console, app: App, clock: SettableClock, jobs: ManualJobs
) -> None:
    await open_call(console)
    await apply(console, "Amara Okafor", "Africa/Lagos")
    await console("Gemma Rhodes", "/lab decline 1")
    start = console.buffer.tell()
    await jobs.run_until(clock, datetime(2027, 2, 2, 12, 0, tzinfo=UTC))
    assert "still undecided" not in console.buffer.getvalue()[start:]


async def test_the_call_is_posted_in_the_labs_language_whoever_opens_it(
        console: Console) -> None:
    await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    await console("Gemma Rhodes", "/lab settings lang fr")
    await console("Gemma Rhodes", "/lab lang en")  # she reads English herself
    out = await console("Gemma Rhodes", "/lab call open closes 2027-01-20 hear 2027-02-01")
    assert "Candidater pour rejoindre Action Lab 1" in out  # the channel's card, in French
    assert "Apply to join Action Lab 1" not in out
