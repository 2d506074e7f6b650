"""Authorization by place through the real Slack app: a user of another workspace who
forges clicks on a lab's controls (its Accept, its vote's menus, its member list) from their
own direct message is refused like a stale control, and nothing is written or announced."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.errors import StaleControl
from storage.models import Ballot, Identity, Membership, Person
from tests.adapters.slack.conftest import Slack

STALE = StaleControl().message


def forged(slack: Slack, user: str, team: str, channel: str, action_id: str,
           choice: str | None = None) -> dict[str, Any]:
    """A block_actions payload as Slack would send it for a click in `team`, on a message
    the attacker made themself (the ids typed in by hand)."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b1",
                              "action_ts": f"{time.time():.6f}"}
    if choice is None:
        action.update(type="button", text={"type": "plain_text", "text": "Go"})
    else:
        action.update(type="static_select", selected_option={
            "text": {"type": "plain_text", "text": choice}, "value": choice})
    return {
        "type": "block_actions", "user": {"id": user, "username": user.lower(),
                                          "name": user.lower(), "team_id": team},
        "api_app_id": "A1", "token": "legacy", "trigger_id": slack.trigger(),
        "team": {"id": team, "domain": "elsewhere"}, "enterprise": None,
        "is_enterprise_install": False, "channel": {"id": channel, "name": "directmessage"},
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": channel,
                      "is_ephemeral": False},
        "message": {"ts": "1.000001", "blocks": []},
        "response_url": slack.response_url(user), "actions": [action],
        "state": {"values": {}},
    }


async def counts(app: App) -> tuple[int, ...]:
    async with app.ctx.uow() as uow:
        return tuple([int(await uow.session.scalar(select(func.count(model.id))) or 0)
                      for model in (Person, Identity, Membership, Ballot)])


async def test_an_outsiders_forged_clicks_from_another_workspace_are_refused_unwritten(
    lab: Slack, slack_app: App,
) -> None:
    await lab.open_vote("UGEMMA", 'vote new "Which solution?" options "A" "B" "C"')
    await lab.command("UGEMMA", "members")
    lab.fake.clear()
    before = await counts(slack_app)
    clicks = [("al1:lab.accept:1", None), ("al1:lab.members:1:1", None),
              ("al1:vote.menu:1", None), ("al1:vote.pick:1:-", "1"),
              ("al1:vote.save:1:1-2", None), ("al1:vote.mine:1", None)]
    for where in ("DEVE", "CEVE"):  # Eve's direct message with the app, her own channel
        for action_id, choice in clicks:
            sent = await lab.interact(forged(lab, "UEVE", "T2", where, action_id, choice))
            assert sent.status == 200
            answer = lab.fake.last("response_url")
            assert answer.args.get("text") == STALE, (where, action_id, answer.args)
            assert "Action Lab" not in str(answer.args)
    # Nothing written: no person for Eve, no membership, no ballot; nothing announced.
    assert await counts(slack_app) == before
    async with slack_app.ctx.uow() as uow:
        assert await uow.people.by_identity("slack", "T2", "UEVE") is None
    assert not lab.fake.of("chat.postMessage") and not lab.fake.of("chat.update")
    assert {c.method for c in lab.fake.calls} <= {"response_url", "users.info"}


async def test_the_same_accept_pressed_in_the_labs_channel_lets_a_newcomer_join(
    lab: Slack, slack_app: App,
) -> None:
    """The rule is about place: the very id Eve forged works for someone in the channel."""
    sent = await lab.interact(forged(lab, "UTOM", "T1", "C1", "al1:lab.accept:1"))
    assert sent.status == 200
    await lab.fake.wait_for("chat.postMessage")
    assert "joined Action Lab 1" in str(lab.fake.last("chat.postMessage").args)
    # ... and a click from Tom's direct message, on the lab he now belongs to, works too.
    await lab.interact(forged(lab, "UTOM", "T1", "DTOM", "al1:lab.members:1:1"))
    assert "Members of Action Lab 1" in str(lab.fake.last("response_url").args)
