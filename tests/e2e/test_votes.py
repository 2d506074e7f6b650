"""Ranked-choice votes through the console, as members and facilitators type them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.arguments import parse_text
from bot.bootstrap import App, build_router
from bot.clock import SettableClock
from bot.config import Settings, VoteTemplate
from bot.domain.tally import from_rankings
from bot.events import Happening, VoteClosed, VoteDeleted, VoteOpened
from bot.features.votes import close_vote, not_voted
from bot.router import Router
from storage.models import Ballot
from tests.conftest import Console, open_vote

OPTIONS = '"Micro-contracting in procurement" "Clever contracts" ' \
          '"Nurturing government staff" "Case studies" "Research"'
NEW = f'/lab vote new "Which solution?" options {OPTIONS}'


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    from bot.config import load_settings

    return load_settings(None).model_copy(update={
        "database_url": SecretStr(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"),
        "vote_templates": {"action-lab-1": VoteTemplate(
            question="Which solution should Action Lab 1 take forward?",
            options=["Micro-contracting in procurement", "Clever contracts",
                     "Nurturing government staff", "Case studies", "Research"])},
    })


def flat(text: str) -> str:
    """The console wraps long lines; phrases are checked with spaces normalised."""
    return " ".join(text.replace("\n  · ", " ").split())


def files(folder: Path | str, pattern: str) -> list[Path]:
    """Files the console saved (a plain helper: tests read them once the lab is quiet)."""
    return sorted(Path(folder).glob(pattern))


def fresh_dir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def read_json(path: Path) -> Any:
    return json.loads(read_text(path))


def read_text(path: Path | str) -> str:
    return Path(path).read_text(encoding="utf-8")


async def ballots(app: App) -> list[Ballot]:
    async with app.ctx.uow() as uow:
        from sqlalchemy import select

        return list((await uow.session.scalars(select(Ballot).order_by(Ballot.id))).all())


async def audit(app: App, action: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    async with app.ctx.uow() as uow:
        return [(a.action, a.detail) for a in await uow.audit.for_lab(1, action=action)]


# --- opening ------------------------------------------------------------------------------


async def test_a_facilitator_opens_a_vote_with_the_defaults(lab: Console, app: App) -> None:
    out = await open_vote(lab, "Gemma Rhodes", NEW)
    assert "#lab · actionlab" in out  # public
    assert "== Vote #1: Which solution? ==" in out
    assert "*5.* Research" in out
    assert "Method: Instant-runoff (IRV), 1 seat" in out
    assert "Results: hidden until the close" in out
    assert "Ties: earlier rounds, then a seeded draw" in out
    assert "Turnout: `/lab vote show 1` shows it as it stands" in out
    out = await lab("Gemma Rhodes", "/lab vote show 1")
    assert "Turnout: 0 of 4 members have voted" in out
    assert "[1] Rank with menus" in out or "Rank with menus" in out
    assert (await audit(app, "vote.opened"))[0][1]["method"] == "irv"


async def test_a_template_loads_the_five_solutions_and_votes_are_numbered_per_lab(
    lab: Console
) -> None:
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new template action-lab-1")
    assert "Vote #1: Which solution should Action Lab 1 take forward?" in out
    assert "*3.* Nurturing government staff" in out
    out = await open_vote(lab, "Gemma Rhodes", '/lab vote new "Second?" options "A" "B" method stv')
    assert "Vote #2: Second?" in out
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new template nope")
    assert "There is no vote template `nope`. Templates: `action-lab-1`." in out


async def test_the_guided_form_opens_a_vote(lab: Console) -> None:
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new", "Best?", "Research\nCase studies\nOther",
                    "schulze", "1", "2027-01-11 17:00")
    assert "== New ranked-choice vote ==" in out
    assert "Vote #1: Best?" in out and "Schulze, 1 seat" in out
    assert "Closes: Mon 11 Jan 2027, 17:00 GMT (Europe/London)" in out


async def test_a_long_refused_form_comes_back_as_a_file(lab: Console) -> None:
    options = [f"Option {i}: " + "a careful description of what we would do " * 2
               for i in range(21)]
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new", "Best?", "\n".join(options), "irv", "1",
                    "")
    assert "A vote can offer at most 20 options; you gave 21." in out
    assert "What you entered is attached, as one line to correct and send." in out
    found = re.search(r"\[file\] (\S+-vote-new\.txt)", out)
    assert found is not None, out
    line = read_text(found.group(1))
    assert line.startswith("/lab vote new Best? options ")
    assert line.endswith(" method irv seats 1")
    spec = build_router().commands["vote new"]
    typed = parse_text(spec.args, line.removeprefix("/lab vote new "))
    assert typed["options"] == [o.strip() for o in options]


async def test_a_refused_vote_form_gives_back_what_was_typed_as_a_line(lab: Console) -> None:
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new", "Best?",
                    "Case studies\nClever contracts\ncase studies", "irv", "1", "")
    assert "The option `case studies` is listed twice." in out
    kept = ('/lab vote new Best? options "Case studies" "Clever contracts" "case studies" '
            "method irv seats 1")
    assert f"What you entered, as one line to correct and send: `{kept}`" in out
    out = await open_vote(lab, "Gemma Rhodes", kept.replace(' "case studies"', ' "Research"'))
    assert "Vote #1: Best?" in out


@pytest.mark.parametrize("line, message", [
    ('/lab vote new "Q" options "Only one"', "A vote needs at least 2 options; you gave 1."),
    ('/lab vote new "Q" options ' + " ".join(f'"O{i}"' for i in range(21)),
     "A vote can offer at most 20 options; you gave 21."),
    ('/lab vote new "Q" options "A" "B" method stv seats 2',
     "With 2 options, seats must be at most 1 (you asked for 2)"),
    ('/lab vote new "Q" options "A" "B" "C" seats 2', "IRV fills one seat."),
    ('/lab vote new "Q" options "A" "a"', "The option `a` is listed twice."),
    ('/lab vote new "Q" options "A" "B" closes 2026-12-01 10:00', "is in the past"),
    ('/lab vote new "Q" options "A" "B" closes 2027-03-28 01:30',
     "does not happen in Europe/London"),
    ('/lab vote new "Q" options "A" "B" method borda',
         "`method` must be irv, stv, schulze or ranked-pairs (you gave `borda`)"),
])
async def test_bad_votes_are_refused_each_with_its_own_message(
    lab: Console, app: App, line: str, message: str
) -> None:
    out = await lab("Gemma Rhodes", line)
    assert "only Gemma Rhodes sees this" in out
    assert message in out
    async with app.ctx.uow() as uow:
        assert await uow.votes.for_lab(1) == []


async def test_only_facilitators_open_close_and_delete(lab: Console) -> None:
    for line in (NEW, "/lab vote close 1", "/lab vote delete 1"):
        out = await lab("Amara Okafor", line)
        assert "Only facilitators can use" in out


# --- ranking --------------------------------------------------------------------------------


async def test_a_member_ranks_sees_it_read_back_and_can_change_it(
    lab: Console, app: App
) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW)
    out = await lab("Amara Okafor", "/lab rank 1 5 4")
    assert "only Amara Okafor sees this" in out
    assert "Ballot saved: vote #1" in out
    assert "1st choice: Research\n  2nd choice: Case studies" in out
    assert "the 3 you left out count below all you ranked" in out
    out = await lab("Amara Okafor", '/lab rank 1 "case studies" research micro')
    assert "Ballot changed: vote #1" in out
    assert "3rd choice: Micro-contracting in procurement" in out
    assert [b.ranking for b in await ballots(app)] == [[4, 5, 1]]  # one ballot per member
    out = await lab("Amara Okafor", ":press My ballot")
    assert "Your ballot in vote #1" in out and "1st choice: Case studies" in out


@pytest.mark.parametrize("line, message", [
    ("/lab rank 1 9", "There is no option 9: the options are numbered 1 to 5"),
    ("/lab rank 1 banana", "No option is called `banana`"),
    ("/lab rank 1 c", "`c` could be 2 Clever contracts or 4 Case studies"),
    ("/lab rank 1 5 research", "You ranked Research twice (1st and 2nd choice)"),
    ("/lab rank 7 1 2", "There is no vote #7 in Action Lab 1."),
    ("/lab rank x 1", "`x` is not a vote number"),
])
async def test_bad_ballots_get_their_own_message_and_the_earlier_ballot_stays(
    lab: Console, app: App, line: str, message: str
) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW)
    await lab("Amara Okafor", "/lab rank 1 2 3")
    before = await audit(app)
    out = await lab("Amara Okafor", line)
    assert "only Amara Okafor sees this" in out
    assert message in out
    assert [b.ranking for b in await ballots(app)] == [[2, 3]]
    assert await audit(app) == before


async def test_closed_votes_and_non_members_cannot_rank(lab: Console, app: App) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW)
    await lab("Amara Okafor", "/lab rank 1 2 3")
    out = await lab("Stranger", "/lab rank 1 1")
    assert "You are not a member of the lab here yet" in out
    await lab("Gemma Rhodes", "/lab vote close 1")
    out = await lab("Amara Okafor", "/lab rank 1 5")
    assert "Vote #1 is closed: it no longer takes ballots." in out
    assert [b.ranking for b in await ballots(app)] == [[2, 3]]


async def test_past_the_close_time_no_ballot_is_taken(
    lab: Console, clock: SettableClock
) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW + " closes 2027-01-05 09:00")
    clock.advance(timedelta(days=1))
    out = await lab("Priya Raman", "/lab rank 1 1")
    # Shown in Priya's zone: 09:00 London is 14:30 in Kolkata.
    assert "stopped taking ballots at Tue 05 Jan 2027, 14:30 IST (Asia/Kolkata)" in out


async def test_ranking_with_the_menus_one_choice_at_a_time(lab: Console, app: App) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW)
    out = await lab.press("Zoë Núñez", "Rank with menus")
    assert "only Zoë Núñez sees this" in out and "1st choice (type:" in out
    out = await lab.press("Zoë Núñez", "1st choice", "5. Research")
    assert "1st choice: Research" in out and "2nd choice (type:" in out
    assert "5. Research" not in out.split("2nd choice (type:")[1]  # no option twice
    await lab.press("Zoë Núñez", "2nd choice", "2. Clever contracts")
    out = await lab.press("Zoë Núñez", "Undo last")
    assert "2nd choice: Clever contracts" not in out
    await lab.press("Zoë Núñez", "2nd choice", "4. Case studies")
    out = await lab.press("Zoë Núñez", "Save my ranking")
    assert "Ballot saved: vote #1" in out and "2nd choice: Case studies" in out
    assert [b.ranking for b in await ballots(app)] == [[5, 4]]


async def test_ranking_with_the_form(lab: Console, app: App) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW)
    out = await lab("Priya Raman", ":press Type my ranking", "", "research, nurturing")
    assert "== Rank: vote #1 ==" in out
    assert "1st choice: Research\n  2nd choice: Nurturing government staff" in out
    assert [b.ranking for b in await ballots(app)] == [[5, 3]]


# --- secrecy --------------------------------------------------------------------------------

SECRET_BALLOTS = ("5 4 3", "4 5", "3 1 2 5")
VOTERS = ("Amara Okafor", "Zoë Núñez", "Priya Raman")
SIX = ("Amara Okafor", "Zoë Núñez", "Priya Raman", "Tom Fletcher", "Nguyễn Thị Minh Khai",
       "محمد الأمين")
# Six ballots whose first choices differ, so any count that takes in some of them and not
# others shows which.
SIX_BALLOTS = ("5 4", "4 5", "3 5", "1 2", "2 1", "5 3")
VIEWS = ("/lab vote show 1", "/lab vote list", "/lab home", "/lab help vote", "/lab audit")

Seen = tuple[list[str], list[tuple[str, int | None, dict[str, Any]]], list[str], list[Any]]


async def _secret_run(
    tmp_path: Path, casts: Sequence[tuple[str, str]], caplog: pytest.LogCaptureFixture, *,
    members: Sequence[str] = VOTERS, results: str = "hidden",
    observers: Sequence[str] | None = None,
) -> Seen:
    """One lab whose `members` join in that order; each of `casts` (who, ranking) in turn,
    a few minutes apart, with everything the `observers` (default: the facilitator and every
    member) can type looked at after each. Returns what the observers saw (each voter's own
    reply to their ballot aside), the audit rows, the log lines and the exported ballots
    (sorted)."""
    import io

    from adapters.console.app import ConsoleAdapter
    from bot.bootstrap import create_app
    from bot.config import load_settings
    from tests.conftest import T0

    settings = load_settings(None).model_copy(update={
        "database_url": SecretStr(f"sqlite+aiosqlite:///{fresh_dir(tmp_path) / 'db.sqlite'}")})
    clock = SettableClock(T0)
    app = await create_app(settings, clock=clock, migrate=True)
    watchers = tuple(observers or ("Gemma Rhodes", *members))
    caplog.clear()
    seen: list[str] = []
    try:
        buffer = io.StringIO()
        adapter = ConsoleAdapter(app.ctx, out=buffer, user="Gemma Rhodes",
                                 files_dir=tmp_path / "files")
        console = Console(adapter, buffer)

        async def watch(who: str, line: str, *answers: str) -> None:
            out = await console(who, line, *answers)
            seen.append(f"{who}> {line}\n" + out.replace(str(tmp_path), "<tmp>"))

        await watch("Gemma Rhodes", '/lab setup "Action Lab 1"')
        for name in members:
            await watch(name, "/lab join")
            await watch(name, ":press I accept and join")
        await watch("Gemma Rhodes", f"{NEW} results {results}")
        await watch("Gemma Rhodes", ":press Open the vote")  # the preview's
        for name, ballot in casts:
            clock.advance(timedelta(minutes=7))
            await console(name, f"/lab rank 1 {ballot}")  # the voter's own view: not compared
            for who in watchers:
                for line in VIEWS:
                    await watch(who, line)
            if "Gemma Rhodes" in watchers:
                await watch("Gemma Rhodes", ":press My ballot")  # her own: she has none
        for who in watchers:
            await watch(who, "/lab vote ballots 1")
        clock.advance(timedelta(hours=1))
        await watch("Gemma Rhodes", "/lab vote close 1")
        for who in watchers:
            await watch(who, "/lab vote show 1")
            await watch(who, ":press My ballot")
            await watch(who, "/lab audit")
        exported = []
        for who in watchers[:2]:
            await watch(who, "/lab vote ballots 1")
        for path in files(tmp_path / "files", "*-ballots.json"):
            data = read_json(path)
            data["ballots"] = sorted(data["ballots"], key=json.dumps)
            exported.append(data)
        async with app.ctx.uow() as uow:
            rows = [(a.action, a.actor_id, a.detail) for a in await uow.audit.for_lab(1)]
            assert all(b.person_id is None and b.cast_at is None
                       for b in await _all_ballots(uow))
        # Our own loggers (the database driver's debug lines carry memory addresses).
        logs = [f"{r.name}: {r.getMessage()}" for r in caplog.records
                if r.name.split(".")[0] in ("bot", "adapters", "storage")]
    finally:
        await app.close()
    # The export lists ballots in a fresh random order each time; compare them sorted.
    return seen, rows, logs, exported


async def _all_ballots(uow: Any) -> list[Ballot]:
    from sqlalchemy import select

    return list((await uow.session.scalars(select(Ballot))).all())


def _same(one: Seen, two: Seen) -> str:
    """Assert two runs looked exactly the same; the transcript of the first."""
    seen_one, seen_two = one[0], two[0]
    assert len(seen_one) == len(seen_two)
    for a, b in zip(seen_one, seen_two, strict=True):
        assert a == b
    assert one[1] == two[1]  # audit rows, actor and detail
    assert one[2] == two[2]  # log lines
    assert one[3] == two[3]  # exported ballots
    return "\n".join(seen_one)


async def test_nobody_can_tell_who_cast_which_ballot(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The same ballots cast by different members must look exactly the same to everyone
    but the voters themselves: every command a member or facilitator can type, the results,
    the exports, the audit log and the log lines."""
    caplog.set_level("DEBUG")
    one = await _secret_run(tmp_path / "one", list(zip(VOTERS, SECRET_BALLOTS, strict=True)),
                            caplog)
    two = await _secret_run(tmp_path / "two", list(zip(VOTERS, reversed(SECRET_BALLOTS),
                                                       strict=True)), caplog)
    transcript = _same(one, two)
    # Before the close nobody saw a tally, and nobody saw anyone's ranking.
    before = transcript.split("/lab vote close 1")[0]
    assert "Votes per round" not in before and "won" not in before
    assert "1st choice:" not in before
    assert "Not voted yet (only facilitators see this): Gemma Rhodes, Zoë Núñez" in before
    assert "are published only after the close" in before
    after = transcript.split("/lab vote close 1")[1]
    assert "Vote #1 result" in after
    assert "ballots are no longer linked to anyone" in after


def _cycled(ballots: Sequence[str]) -> list[str]:
    """Each group of three ballots passed round within the group: every voter gets another's
    ballot, and each group, as a whole, stays the same."""
    out: list[str] = []
    for k in range(0, len(ballots), 3):
        group = list(ballots[k:k + 3])
        out += group[1:] + group[:1]
    return out


async def test_a_live_count_never_shows_whose_ballot_moved_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Live results: six members rank in turn while everyone watches the running count after
    each ballot. Handing the ballots round within each group of three must change nothing
    anyone sees: the count moves only in batches, so no change in it is one member's."""
    caplog.set_level("DEBUG")
    one = await _secret_run(tmp_path / "one", list(zip(SIX, SIX_BALLOTS, strict=True)),
                            caplog, members=SIX, results="live")
    two = await _secret_run(tmp_path / "two", list(zip(SIX, _cycled(SIX_BALLOTS),
                                                       strict=True)),
                            caplog, members=SIX, results="live")
    transcript = _same(one, two)
    before = transcript.split("/lab vote close 1")[0]
    assert "Vote #1 live count" in before  # a live count was on show all along
    assert "Live count of the 3 ballots in at" in before
    assert "Live count of the 6 ballots in at" in before
    assert "Live count of the 4 ballots" not in before
    assert "Live count of the 5 ballots" not in before
    assert "1st choice:" not in before
    assert "Not voted yet" not in before
    assert "vote.ballot" not in before  # no audit entry per ballot while it is open
    assert "so no refresh can show how one member ranked" in before
    rows = one[1]
    assert [r[1] for r in rows if r[0] == "vote.live_count"] == [None, None]
    assert sorted(r[1] for r in rows if r[0] == "vote.voted") == [2, 3, 4, 5, 6, 7]


async def test_in_a_live_vote_nobody_is_shown_who_has_voted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The same ballots, in the same order, cast by different members: the facilitator, who
    sees the most, must see exactly the same thing, before and after the close."""
    caplog.set_level("DEBUG")
    one = await _secret_run(tmp_path / "one", list(zip(SIX, SIX_BALLOTS, strict=True)),
                            caplog, members=SIX, results="live", observers=["Gemma Rhodes"])
    two = await _secret_run(tmp_path / "two", list(zip(reversed(SIX), SIX_BALLOTS,
                                                       strict=True)),
                            caplog, members=SIX, results="live", observers=["Gemma Rhodes"])
    transcript = _same(one, two)
    assert "Turnout: 1 of 7 members has voted" in flat(transcript)
    assert "Not voted yet" not in transcript


# --- closing and results ---------------------------------------------------------------------


async def _three_ballots(lab: Console) -> None:
    """Research 2, Case studies 1, Nurturing 1 at first; the two with no votes go, then
    whichever of Case studies and Nurturing goes, its ballot moves to Research."""
    await open_vote(lab, "Gemma Rhodes", NEW)
    await lab("Amara Okafor", "/lab rank 1 5 4")
    await lab("Zoë Núñez", "/lab rank 1 4 5")
    await lab("Priya Raman", "/lab rank 1 3 5")


async def _four_ballots(lab: Console) -> None:
    await _three_ballots(lab)
    await lab("Gemma Rhodes", "/lab rank 1 5")


async def test_closing_counts_and_posts_the_result_in_every_channel(
    lab: Console, app: App
) -> None:
    async with app.ctx.uow() as uow:
        await uow.labs.bind(1, "console", "local", "lab-annex", lab.adapter.ctx.clock.now())
        await uow.commit()
    await _four_ballots(lab)
    out = flat(await lab("Gemma Rhodes", "/lab vote close 1"))
    assert "#lab · actionlab" in out and "#lab-annex · actionlab" in out
    assert out.count("== Vote #1 result: Research won ==") == 2
    assert "Research won (IRV, 4 rounds, 4 ballots)." in out
    assert "Turnout: 4 of 4 members voted" in out
    assert "Round 1: nobody had a majority of the 4 continuing ballots (3 needed)" in out
    assert "its only ballot moved to Research" in out
    assert "The draw did not change who won." in out
    assert "Tie-break draws used the seed `actionlab-vote-1`." in out
    assert "Condorcet check: Research beats every other option head to head, and won." in out
    assert "vote-1-result.png — Line chart of votes per round in vote #1" in out
    assert "## " not in out
    assert "Vote #1 is closed: Research won" in out  # the facilitator's own note
    async with app.ctx.uow() as uow:
        vote = await uow.votes.by_number(1, 1)
        assert vote is not None and vote.status == "closed" and vote.result is not None
        assert vote.result["winners"] == ["Research"]
        assert vote.result["outcome"] == "Research won (IRV, 4 rounds, 4 ballots)"
    out = await lab("Gemma Rhodes", "/lab vote close 1")
    assert "Vote #1 is already closed." in out
    pictures = [p.name for p in files(lab.adapter.files_dir, "*.png")]
    assert pictures and all(p.endswith("vote-1-result.png") for p in pictures)


async def test_close_vote_from_a_timer_is_idempotent_and_emits_the_events(
    lab: Console, app: App
) -> None:
    seen: list[object] = []
    extra = Router()

    @extra.on(VoteOpened)
    @extra.on(VoteClosed)
    @extra.on(VoteDeleted)
    async def record(event: Any, happening: Happening) -> None:
        seen.append(event)

    app.ctx.router.include(extra)
    await _three_ballots(lab)
    async with app.ctx.uow() as uow:
        gemma = await uow.people.by_identity("console", "local", "gemma-rhodes")
        assert gemma is not None and await not_voted(uow, 1) == [gemma.id]
    await lab("Gemma Rhodes", "/lab rank 1 5")
    now = app.ctx.clock.now()
    async with app.ctx.uow() as uow:
        first = await close_vote(app.ctx, uow, 1, now)
        await uow.commit()
    async with app.ctx.uow() as uow:
        again = await close_vote(app.ctx, uow, 1, now)
        await uow.commit()
        assert await not_voted(uow, 1) == []
    assert first is not None and again is None
    assert [type(e).__name__ for e in seen] == ["VoteOpened", "VoteClosed"]
    closed = seen[1]
    assert isinstance(closed, VoteClosed)
    assert closed.outcome == "Research won (IRV, 4 rounds, 4 ballots)"
    assert (await audit(app, "vote.closed"))[0][1]["ballots"] == 4
    out = await lab("Gemma Rhodes", "/lab vote delete 1")
    assert "its result is a record of the lab and is never deleted" in flat(out)
    assert type(seen[-1]).__name__ == "VoteClosed"


async def test_the_exported_ballots_recount_to_the_same_result(
    lab: Console, app: App
) -> None:
    await _three_ballots(lab)
    out = await lab("Zoë Núñez", "/lab vote ballots 1")
    assert "are published only after the close" in out
    await lab("Gemma Rhodes", "/lab vote close 1")
    out = await lab("Zoë Núñez", "/lab vote ballots 1")
    assert "3 anonymised ballots in a random order" in out
    assert "--seed actionlab-vote-1" in out
    folder = lab.adapter.files_dir
    data = read_json(files(folder, "*vote-1-ballots.json")[0])
    assert data["seed"] == "actionlab-vote-1" and data["method"] == "irv"
    assert sorted(tuple(b["ranking"]) for b in data["ballots"]) == [
        ("Case studies", "Research"), ("Nurturing government staff", "Research"),
        ("Research", "Case studies")]
    csv = files(folder, "*vote-1-ballots.csv")[0].read_text().splitlines()
    assert csv[0].startswith("ballot,Micro-contracting in procurement,")
    blt = files(folder, "*vote-1-ballots.blt")[0].read_text().splitlines()
    assert blt[0] == "5 1" and blt[-1] == '"Which solution?"'
    from bot.domain.ballots import read
    from bot.domain.tally import count

    election, _ = read(json.dumps(data), "json")
    async with app.ctx.uow() as uow:
        vote = await uow.votes.by_number(1, 1)
        assert vote is not None and vote.result is not None
        assert count(election).json()["winners"] == vote.result["winners"]


async def test_live_results_refresh_only_after_three_ballots_cast_or_changed(
    lab: Console, app: App, clock: SettableClock
) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW + " results live")
    out = flat(await lab("Amara Okafor", "/lab rank 1 5"))
    assert "your ballot is withdrawn unless the live count already includes it" in out
    out = await lab("Zoë Núñez", "/lab vote show 1")
    assert "live count:" not in out  # one ballot would be on show
    await lab("Zoë Núñez", "/lab rank 1 4")
    clock.advance(timedelta(minutes=5))
    await lab("Priya Raman", "/lab rank 1 4")
    first = flat(await lab("Zoë Núñez", "/lab vote show 1"))
    assert "Vote #1 live count: Case studies ahead" in first
    assert "If it closed now: Case studies won (IRV, 1 round, 3 ballots)." in first
    assert "Live count of the 3 ballots in at Mon 04 Jan 2027, 07:05 UTC-3" in first
    assert "Turnout: 3 of 4 members so far" in first
    # One more ballot, and two members changing theirs (one of them twice): three people,
    # but the ballots of only two since the refresh... no refresh, so nobody's shows.
    clock.advance(timedelta(minutes=5))
    await lab("Gemma Rhodes", "/lab rank 1 1")
    await lab("Amara Okafor", "/lab rank 1 1")
    await lab("Amara Okafor", "/lab rank 1 1 5")
    out = flat(await lab("Zoë Núñez", "/lab vote show 1"))
    assert "Live count of the 3 ballots in at Mon 04 Jan 2027, 07:05 UTC-3" in out
    assert "Vote #1 live count: Case studies ahead" in out
    assert "Turnout: 4 of 4 members so far" in out
    # A third member changes: three since the refresh, so the count takes them all in.
    clock.advance(timedelta(minutes=5))
    await lab("Zoë Núñez", "/lab rank 1 1")
    out = flat(await lab("Zoë Núñez", "/lab vote show 1"))
    assert "Vote #1 live count: Micro-contracting in procurement ahead" in out
    assert "Live count of the 4 ballots in at Mon 04 Jan 2027, 07:15 UTC-3" in out
    # The facilitator is not shown who has voted, and the audit log has no entry per ballot
    # until the close, when it records who voted, all at once.
    out = flat(await lab("Gemma Rhodes", "/lab vote show 1"))
    assert "Not voted yet" not in out
    assert "nobody, facilitators included, is shown who has voted" in out
    assert await audit(app, "vote.ballot") == []
    assert [d["ballots"] for _, d in await audit(app, "vote.live_count")] == [3, 4]
    out = flat(await lab("Gemma Rhodes", "/lab vote close 1"))
    assert "Turnout: 4 of 4 members voted" in out
    async with app.ctx.uow() as uow:
        voted = [(a.actor_id, a.at) for a in await uow.audit.for_lab(1, action="vote.voted")]
        vote = await uow.votes.by_number(1, 1)
        assert vote is not None and vote.live_ballots is None and vote.live_at is None
    assert [who for who, _ in voted] == [1, 2, 3, 4]
    assert {when for _, when in voted} == {clock.now()}


async def test_a_reported_tie_is_shown_as_a_tie(lab: Console) -> None:
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Q" options "A" "B" "C" ties report')
    await lab("Amara Okafor", "/lab rank 1 a")
    await lab("Zoë Núñez", "/lab rank 1 b")
    out = await lab("Gemma Rhodes", "/lab vote close 1")
    assert "Vote #1 result: a tie between A and B" in out
    assert "Tied for the seat: A and B" in out
    assert "the count stops here and the lab decides" in out


async def test_stv_and_schulze_votes_show_quota_and_matrix(lab: Console) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW + " method stv seats 2")
    await open_vote(lab, "Gemma Rhodes", NEW + " method schulze strength winning-votes")
    for name, ranking in (("Amara Okafor", "5 4"), ("Zoë Núñez", "4 5 1"),
                          ("Priya Raman", "1 5")):
        await lab(name, f"/lab rank 1 {ranking}")
        await lab(name, f"/lab rank 2 {ranking}")
    out = await lab("Gemma Rhodes", "/lab vote close 1")
    assert "Single transferable vote (STV), 2 seats, 3 ballots, quota 2" in out
    out = await lab("Gemma Rhodes", "/lab vote close 2")
    assert "Schulze, 1 seat, 3 ballots, links by winning votes" in out
    assert "Pairwise: ballots ranking row above column" in out
    assert "Bar chart of head-to-head wins" in out


# --- listing, home, autocomplete, delete -------------------------------------------------------


async def test_list_home_completer_and_delete(lab: Console, app: App) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW + " closes 2027-01-08 17:00")
    out = await lab("Amara Okafor", "/lab home")
    assert "Votes to rank" in out
    assert ("*Vote #1: Which solution?* (Action Lab 1), closes Fri 08 Jan 2027, 18:00 WAT "
            "(Africa/Lagos) — `/lab rank 1 ...`") in flat(out)
    await lab("Amara Okafor", "/lab rank 1 1")
    assert "Votes to rank" not in await lab("Amara Okafor", "/lab home")
    out = await lab("Amara Okafor", "/lab vote list")
    assert "*Vote #1:* Which solution? — open, closes" in out and "1 of 4 voted" in out
    assert "you\n  have voted" in out or "you have voted" in out
    choices = await app.ctx.router.complete(app.ctx, lab.adapter.actor, lab.adapter.place,
                                            "vote", "")
    assert choices == [("#1 Which solution? (open)", "1")]
    await lab("Gemma Rhodes", "/lab vote delete 1")
    out = await lab("Gemma Rhodes", ":press Delete vote #1")
    assert "Gemma Rhodes deleted vote #1 (Which solution?)." in flat(out)
    assert len(await ballots(app)) == 1  # kept for a restore (tests/e2e/test_destructive.py)
    out = await lab("Amara Okafor", "/lab vote show 1")
    assert "There is no vote #1 in Action Lab 1." in out
    out = await lab("Amara Okafor", "/lab vote clsoe 1")
    assert "Did you mean `/lab vote close`?" in out


async def test_help_lists_the_vote_commands(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab help vote")
    assert "Ranked-choice votes" in out
    assert "refreshed only after every 3 ballots cast or changed, and nobody is shown who " \
           "has voted until the close" in flat(out)
    for usage in ("/lab vote new", "/lab rank <vote>", "/lab vote close <vote>", "/lab vote list",
                  "/lab vote show [<vote>]",
                  "/lab vote ballots <vote>", "/lab vote delete <vote>"):
        assert usage in out


def test_counting_a_vote_matches_counting_its_election() -> None:
    e = from_rankings("irv", 1, ["A", "B"], [("A",), ("B", "A"), ("A",)])
    assert e.ballots == 3


async def test_one_of_everything_reads_in_the_singular_and_votes_are_named_alike(
    console: Console,
) -> None:
    """A lab of one, one ballot, one round: no "1 ballots", and every mention of the vote
    reads "vote #1", as polls read "poll #1"."""
    await console("Gemma Rhodes", '/lab setup "Solo"')
    await open_vote(console, "Gemma Rhodes", '/lab vote new "Q?" options "A" "B"')
    await console("Gemma Rhodes", "/lab home")
    await console("Gemma Rhodes", "/lab vote show 1")
    await console("Gemma Rhodes", "/lab rank 1 a")
    await console("Gemma Rhodes", "/lab vote list")
    await console("Gemma Rhodes", "/lab vote close 1")
    await console("Gemma Rhodes", "/lab vote ballots 1")
    await console("Gemma Rhodes", "/lab vote show 2")
    text = flat("\n".join(console.transcript))
    assert "Turnout: 1 of 1 member voted" in text
    assert "A won (IRV, 1 round, 1 ballot)" in text
    assert "Instant-runoff (IRV), 1 seat, 1 ballot " in text
    assert "1 anonymised ballot in a random order" in text
    assert "There is no vote #2 in Solo. Votes: #1 (Q?, closed)." in text
    assert "vote-1-result.png — Line chart of votes per round in vote #1 (instant-runoff" \
           " (IRV), 1 round)" in text
    assert "*Vote #1: Q?* (Solo) — `/lab rank 1 ...`" in text  # the home card
    for wrong in ("1 ballots", "1 rounds", "1 members", "1 of 1 members"):
        assert wrong not in text
    said = [line.split(">", 1)[1] if line.startswith("Gemma Rhodes>") else line
            for line in "\n".join(console.transcript).splitlines()]
    import re

    assert not [line for line in said if re.search(r"\b[Vv]ote \d", line)]
    assert "Vote #1: Q?" in text and "Ballot saved: vote #1" in text
    from bot.features.votes import reminder_info

    async with console.adapter.ctx.uow() as uow:
        info = await reminder_info(uow, 1)
    assert info is not None and info.title == "Vote #1: Q?"  # reminders name it alike
