"""Events, autocomplete and home sections, through real dispatch."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import App
from bot.events import Happening, PollClosed
from bot.messages import Card, Reply, Text
from bot.router import Call, Router
from tests.conftest import Console


async def test_events_reach_subscribers_in_the_same_transaction(lab: Console, app: App) -> None:
    seen: list[tuple[PollClosed, bool]] = []
    extra = Router()

    @extra.command("fake close", summary="publishes an event", access="member")
    async def fake_close(call: Call[Any]) -> Reply:
        await call.emit(PollClosed(lab_id=call.the_lab.id, poll_id=7, title="Meeting 1",
                                   outcome="Best slot: Tue"))
        return Reply.say("closed")

    @extra.on(PollClosed)
    async def record(event: PollClosed, happening: Happening) -> None:
        await happening.uow.audit.record(lab_id=event.lab_id, actor_id=None,
                                         action="seen.poll.closed", at=happening.now)
        seen.append((event, happening.uow.session.in_transaction()))

    app.ctx.router.include(extra)
    out = await lab("Amara Okafor", "/lab fake close")
    assert "closed" in out
    assert seen == [(PollClosed(1, 7, "Meeting 1", "Best slot: Tue"), True)]
    async with app.ctx.uow() as uow:
        assert len(await uow.audit.for_lab(1, action="seen.poll.closed")) == 1


async def test_zone_and_member_autocomplete(lab: Console, app: App) -> None:
    router, ctx = app.ctx.router, app.ctx
    actor, place = lab.adapter.actor, lab.adapter.place
    zones = await router.complete(ctx, actor, place, "zone", "paulo")
    assert ("America/Sao_Paulo", "America/Sao_Paulo") in zones
    assert len(await router.complete(ctx, actor, place, "zone", "")) <= 25
    names = await router.complete(ctx, actor, place, "member", "am")
    assert names == [("Amara Okafor", "Amara Okafor")]
    assert await router.complete(ctx, actor, place, "nothing", "x") == []


async def test_home_shows_each_section(lab: Console, app: App) -> None:
    extra = Router()

    @extra.home_section(50)
    async def todo(call: Call[Any]) -> list[Text]:
        return [Text("*To answer*: Poll #1")]

    app.ctx.router.include(extra)
    out = await lab("Amara Okafor", "/lab home")
    assert "Hello, Amara Okafor" in out
    assert "Action Lab 1* — member" in out
    assert "Africa/Lagos" in out
    assert out.index("Your labs") < out.index("To answer")
    assert isinstance(Card((Text("x"),)), Card)
