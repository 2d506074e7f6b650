"""The audit log's sentences: people by name, things by what they are called, every moment
in the reader's zone (across a daylight-saving change), and unknown actions still in words."""

from __future__ import annotations

from bot.features.lab.audit_words import PHRASES, Known, sentence

KNOWN = Known(zone="Europe/London", people={1: "Gemma Rhodes", 2: "Amara Okafor"},
              meetings={7: "meeting #2 (Meeting 2)"}, polls={3: "poll #1 (Meetings)"},
              minutes={4: "“Kick-off call”"})


def test_a_move_across_the_clock_change_reads_in_the_readers_zone() -> None:
    said = sentence("meeting.moved", "Gemma Rhodes", {
        "meeting": 7, "before": "2027-03-26T10:00:00+00:00",
        "after": "2027-03-29T10:00:00+00:00", "sequence": 1}, KNOWN)
    assert said == ("Gemma Rhodes moved meeting #2 (Meeting 2) from Fri 26 Mar 2027, 10:00 GMT "
                    "to Mon 29 Mar 2027, 11:00 BST.")
    tokyo = Known(zone="Asia/Tokyo", people={}, meetings={}, polls={}, minutes={})
    said = sentence("meeting.moved", "Gemma Rhodes", {
        "meeting": 7, "before": "2027-03-26T10:00:00+00:00",
        "after": "2027-03-29T10:00:00+00:00"}, tokyo)
    assert "from Fri 26 Mar 2027, 19:00 JST to Mon 29 Mar 2027, 19:00 JST" in said
    assert "a meeting" in said  # a meeting since deleted: no row id shown


def test_the_sentences_a_facilitator_reads() -> None:
    cases = {
        ("reminder.set", "Amara Okafor"): (
            {"reminder": 254, "to": 2, "due": "2027-01-05T09:00:50.276651+00:00",
             "repeat": None},
            "Amara Okafor set a reminder for Amara Okafor, first at Tue 05 Jan 2027, 09:00 GMT."),
        ("lab.settings", "Gemma Rhodes"): (
            {"member_limit": "8", "window_start": "10:00"},
            "Gemma Rhodes changed the lab's settings: member limit to “8”; meeting window start"
            " to “10:00”."),
        ("poll.closed", None): (
            {"poll": 3, "outcome": "Best slot: Tue 12 Jan 14:00 UTC (6 yes).", "by": "deadline"},
            "The bot closed poll #1 (Meetings) at its deadline: Best slot: Tue 12 Jan 14:00 UTC "
            "(6 yes)."),
        ("minutes.action", "Priya Raman"): (
            {"minutes": 4, "number": 4, "item": 9, "owner": 2, "due": "2027-01-08"},
            "Priya Raman added action 4 for Amara Okafor to the minutes of “Kick-off call”, due "
            "Fri 08 Jan 2027."),
        ("member.role", "Gemma Rhodes"): (
            {"member": 99, "before": "member", "after": "secretary"},
            "Gemma Rhodes made a former member secretary (was member)."),
    }
    for (action, actor), (detail, expected) in cases.items():
        assert sentence(action, actor, detail, KNOWN) == expected


def test_an_action_without_a_phrase_still_reads_as_words() -> None:
    said = sentence("application.scored", "Gemma Rhodes",
                    {"score": 4, "at": "2027-01-05T09:00:00+00:00", "rows": [1, 2]}, KNOWN)
    assert said == "Gemma Rhodes application scored (at: Tue 05 Jan 2027, 09:00 GMT; score: 4)."
    # An older entry whose details do not fit its phrase falls back rather than failing.
    assert sentence("poll.opened", None, {"slots": "many"}, KNOWN).startswith("The bot poll")


def test_every_action_the_code_records_has_a_phrase() -> None:
    import ast
    import pathlib

    recorded = set()
    for path in pathlib.Path("bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("audit",
                                                                                  "record"):
                args = [node.args[0]] if node.args else []
                args += [k.value for k in node.keywords if k.arg == "action"]
                for arg in args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                            and "." in arg.value:
                        recorded.add(arg.value)
    recorded |= {"minutes.note", "minutes.decision"}  # f"minutes.{kind.value}"
    assert recorded - set(PHRASES) == set()
