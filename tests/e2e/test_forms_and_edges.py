"""Issue 18, forms and parsing and smaller rough edges, as console transcripts: options split
the way the prompt says, multi-word options survive the refused form's line, a form never
swallows the lines after it, blank text is refused, two years ahead is the one limit, the
audit log's pages, the product's own words, and Markdown typed by people stays words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.minutes import EntryFacts, EntryKind, build_document
from bot.exports import render
from fakes.console import Console
from tests.conftest import open_vote

SOLUTIONS = ("Micro-contracting in procurement", "Clever contracts", "Case studies")


# --- forms and parsing ------------------------------------------------------------------------


async def test_the_console_form_takes_options_one_a_line_until_an_empty_line(
        lab: Console) -> None:
    # Each answer is one line, as piped input gives them: options, an empty line, then the
    # method, seats and close keep their defaults (empty lines).
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new", "Best?", *SOLUTIONS, "", "", "", "")
    assert "Options, one a line (2 to 20), an empty line ends them: " in out
    assert "Vote #1: Best?" in out and "form cancelled" not in out
    out = await lab("Gemma Rhodes", "/lab vote show 1")
    for option in SOLUTIONS:
        assert option in out
    assert "`in`" not in out and "procurement`" not in out


async def test_commas_separate_options_typed_on_one_line(lab: Console) -> None:
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new Best? options A, B, Micro-contracting in "
                    "procurement")
    assert "Vote #1: Best?" in out
    out = await lab("Gemma Rhodes", "/lab vote show 1")
    assert "A," not in out and "B," not in out
    assert "Micro-contracting in procurement" in out
    # The form's one-line answer reads the same way.
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new", "Second?", "Research, Case studies", "",
                    "", "", "")
    assert "Vote #2: Second?" in out
    out = await lab("Gemma Rhodes", "/lab vote show 2")
    assert "Research" in out and "Case studies" in out and "Research," not in out


async def test_a_refused_form_line_keeps_multi_word_options_whole(lab: Console) -> None:
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new", "Best?", *SOLUTIONS, "", "borda", "", "")
    assert "`method` must be irv, stv, schulze or ranked-pairs (you gave `borda`)" in out
    m = re.search(r"as one line to correct and send: `([^`]+)`", out)
    assert m is not None, out
    line = m.group(1)
    assert '"Micro-contracting in procurement"' in line
    out = await open_vote(lab, "Gemma Rhodes", line.replace("borda", "schulze"))
    assert "Vote #1: Best?" in out and "Schulze" in out
    out = await lab("Gemma Rhodes", "/lab vote show 1")
    assert "Micro-contracting in procurement" in out  # three options, not five
    assert "`in`" not in out


async def test_a_form_does_not_swallow_the_command_after_it(lab: Console) -> None:
    # Piped input: the form's question is answered, then the next line is a command.
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new", "Best?", "/lab vote list")
    assert "form cancelled; nothing was saved" in out
    assert "`/lab vote list` is not an answer, so it runs next" in out
    assert "has no votes yet" in out  # the command ran, and no vote was opened
    out = await lab("Gemma Rhodes", "/lab vote list")
    assert "has no votes yet" in out


async def test_piped_input_runs_every_line_after_a_form(lab: Console) -> None:
    import io

    adapter = lab.adapter
    adapter.become("Gemma Rhodes")
    script = "\n".join([
        "/lab vote new", "Best?", "Research", "Case studies", "", "", "", "",
        ":press Open the vote",
        "/lab vote new", "Unfinished?", ":as Amara Okafor", "/lab vote list", "",
    ])
    start = lab.buffer.tell()
    await adapter.run(io.StringIO(script + "\n"))
    out = lab.buffer.getvalue()[start:]
    assert "Vote #1: Best?" in out
    assert "(form cancelled; nothing was saved. `:as Amara Okafor` is not an answer" in out
    assert "(you are now Amara Okafor)" in out
    assert "Amara Okafor> /lab vote list" in out
    assert "#1" in out.split("Amara Okafor> /lab vote list")[1]
    assert "Unfinished?" not in out.split("Amara Okafor> /lab vote list")[1]


# --- smaller rough edges ------------------------------------------------------------------------


async def test_blank_text_is_refused_everywhere_with_its_own_message(console: Console) -> None:
    out = await console("Gemma Rhodes", '/lab setup "   "')
    assert "is empty: type some words" in out
    out = await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    assert "Action Lab 1" in out
    await console("Gemma Rhodes", '/lab minutes start "Kick-off"')
    for line in ('/lab note ""', '/lab decision ""', '/lab note "  "', "/lab decision “”"):
        out = await console("Gemma Rhodes", line)
        assert "is empty: type some words" in out, (line, out)
    out = await console("Gemma Rhodes", "/lab minutes")
    assert '""' not in out and "“”" not in out
    out = await console("Gemma Rhodes", "/lab note A real note")
    assert "A real note" in out


async def test_two_years_ahead_is_the_one_limit(lab: Console) -> None:
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new Q? options A B closes 9999-12-31 10:00")
    assert "is more than two years ahead" in out
    out = await lab("Gemma Rhodes", "/lab vote list")
    assert "has no votes yet" in out
    await lab("Gemma Rhodes", '/lab minutes start "Kick-off"')
    out = await lab("Gemma Rhodes", "/lab action Amara Okafor due 9999-12-31 Write it")
    assert "is more than two years ahead" in out
    out = await lab("Gemma Rhodes", "/lab action Amara Okafor due 2028-01-10 Write it")
    assert "Write it" in out and "more than two years" not in out
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new Q? options A B closes 2028-06-01 10:00")
    assert "Vote #1: Q?" in out


async def test_an_audit_page_past_the_end_shows_the_last_page(lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab audit 99")
    assert "Nothing recorded yet" not in out
    m = re.search(r"page (\d+) of (\d+)", out)
    assert m is not None and m.group(1) == m.group(2), out
    assert "this is the last" in out
    assert "lab.created" in out or "·" in out


async def test_replies_use_the_products_words(lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab settings limit 8 window 10:00-17:00")
    assert "Changed: meeting window, member limit." in out
    assert "member_limit" not in out and "window_start" not in out
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new Q? options A B method borda")
    assert "Input should be" not in out and "must be irv, stv" in out


def test_the_markdown_export_escapes_what_people_typed() -> None:
    t = datetime(2027, 1, 11, 13, 0, tzinfo=UTC)
    doc = build_document(
        lab="L", title="T", meeting_number=None, zone="UTC", started_at=t, ended_at=None,
        secretary=None, present=["*Eve*"], apologies=[],
        entries=[EntryFacts(1, EntryKind.NOTE, "# Not a heading\n*urgent* [link](https://x/) "
                            "_under_ `code`\n1. not a list", "Eve", t)],
        generated_at=t,
    )
    text = render(doc, "md").decode()
    assert "\\# Not a heading" in text
    assert "\\*urgent\\* \\[link\\](https://x/) \\_under\\_ \\`code\\`" in text
    assert "1\\. not a list" in text
    assert "\\*Eve\\*" in text


def test_logs_and_chart_warnings_stay_out_of_the_console(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import logging
    import warnings

    from bot.cli import _log_to_file, configure_logging
    from bot.config import load_settings

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    # configure_logging quiets noisy libraries by name; put every logger's level back after,
    # or tests that run later (a DEBUG capture of slack_sdk, say) see nothing.
    levels = {name: logger.level for name, logger in logging.root.manager.loggerDict.items()
              if isinstance(logger, logging.Logger)}
    monkeypatch.chdir(tmp_path)
    try:
        for h in list(root.handlers):
            root.removeHandler(h)
        configure_logging(load_settings(None))
        _log_to_file("actionlab.log")
        assert not any(type(h) is logging.StreamHandler for h in root.handlers)
        logging.getLogger("bot.charts").warning("a log line")
        warnings.warn("Glyph 1575 missing from font(s) DejaVu Sans.", UserWarning,
                      stacklevel=1)
        for h in root.handlers:
            h.flush()
        written = (tmp_path / "actionlab.log").read_text()
        assert "a log line" in written and "Glyph 1575 missing" in written
    finally:
        logging.captureWarnings(False)
        for h in list(root.handlers):
            root.removeHandler(h)
            h.close()
        for h in saved[0]:
            root.addHandler(h)
        for name, logger in logging.root.manager.loggerDict.items():
            if isinstance(logger, logging.Logger):
                logger.setLevel(levels.get(name, logging.NOTSET))
        root.setLevel(saved[1])


async def test_poll_results_do_not_say_everyone_answered_beside_partly(lab: Console) -> None:
    await lab("Gemma Rhodes", '/lab poll new "Two" slots 2027-01-11T09:00,2027-01-11T11:00 '
              "length 1h")
    for name in ("Gemma Rhodes", "Amara Okafor", "Zoë Núñez", "Priya Raman"):
        await lab(name, "/lab poll answer 1 1 yes")
    # The card's context wraps with a "·" at each line start; read it as one line.
    out = " ".join((await lab("Gemma Rhodes", "/lab poll results 1")).split()).replace(" · ", " ")
    assert "Everyone has answered." not in out
    assert "All have answered some slots." in out and "Partly answered:" in out
    for name in ("Gemma Rhodes", "Amara Okafor", "Zoë Núñez", "Priya Raman"):
        await lab(name, "/lab poll answer 1 2 no")
    out = " ".join((await lab("Gemma Rhodes", "/lab poll results 1")).split()).replace(" · ", " ")
    assert "Everyone has answered." in out and "Partly answered:" not in out


async def test_the_console_asks_again_only_the_field_that_was_wrong(lab: Console) -> None:
    # Piped answers: the closing date is impossible, so only "Closes" is asked again; the
    # question, options, method and seats typed first are kept.
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new", "Best?", "Research\nCase studies", "irv",
                    "1", "2027-02-30 17:00", "2027-01-11 17:00")
    assert out.count("  Question: ") == 1 and out.count("Seats [1]: ") == 1
    assert out.count("  Closes (YYYY-MM-DD HH:MM, Europe/London): ") == 2
    assert "✗ Closes (YYYY-MM-DD HH:MM, Europe/London): " in out and "2027-02-30" in out
    assert "Vote #1: Best?" in out
    assert "Closes: Mon 11 Jan 2027, 17:00 GMT (Europe/London)" in out
    assert "What you entered" not in out


async def test_the_console_asks_again_each_wrong_field_until_it_is_right(
        lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab poll new", "Meeting 1", "2027-01-11..2027-01-12",
                    "", "", "Europe/Lodnon", "Mars/Olympus", "Europe/London")
    assert out.count("  Title: ") == 1 and out.count("Days [mon-fri]: ") == 1
    assert out.count("✗ Time zone of the window: ") == 2
    assert "Did you mean `Europe/London`" in out
    assert "== Poll #1: Meeting 1 ==" in out


async def test_a_command_typed_while_a_field_is_asked_again_cancels_the_form(
        lab: Console) -> None:
    out = await open_vote(lab, "Gemma Rhodes",
                          "/lab vote new", "Best?", "Research\nCase studies", "irv",
                    "1", "2027-02-30 17:00", "/lab vote list")
    assert "✗ Closes" in out
    assert "form cancelled; nothing was saved" in out
    assert "Action Lab 1 has no votes yet." in out  # the typed command ran next
