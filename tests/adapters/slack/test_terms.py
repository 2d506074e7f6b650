"""A section of the terms of reference edited in a Slack modal, through slack-bolt against the
fake Slack: the modal holds the section's current text and version; a second save from a
modal opened on the same version is not lost but shown what changed, with the merge."""

from __future__ import annotations

from urllib.parse import urlencode

from bot.bootstrap import App
from tests.adapters.slack.blockkit import blocks_of
from tests.adapters.slack.conftest import Slack


async def open_form(lab: Slack, user: str) -> dict:
    lab.fake.clear()
    body = lab.command_body(user, "terms edit 3")
    await lab.post(urlencode(body).encode(), "application/x-www-form-urlencoded")
    assert lab.fake.methods() == ["views.open"]
    view: dict = lab.fake.last("views.open").args["view"]
    return view


async def test_a_section_edited_in_a_modal_and_a_stale_save_kept(lab: Slack,
                                                                 slack_app: App) -> None:
    await lab.open_vote("UGEMMA", "vote new template action-lab-1")
    for user in ("UGEMMA", "UAMARA"):
        await lab.command(user, "rank 1 5 4")
    await lab.command("UGEMMA", "vote close 1")
    await lab.command("UGEMMA", "terms start")
    first, second = await open_form(lab, "UAMARA"), await open_form(lab, "UGEMMA")
    assert first["callback_id"] == "al1:form:terms.edit"
    fields = {b["block_id"]: b["element"] for b in first["blocks"]}
    assert fields["section"]["initial_value"] == "3"
    assert fields["version"]["initial_value"] == "1"
    assert fields["text"]["multiline"] is True
    assert fields["text"]["initial_value"].startswith("What Research should achieve")
    await lab.interact(lab.submission("UAMARA", first, {
        "section": "3", "version": "1", "text": "Reach ten councils."}))
    async with slack_app.ctx.uow() as uow:
        terms = await uow.terms.latest(1)
        assert terms is not None
        section = terms.sections[2]
        assert (section.version, section.text) == (2, "Reach ten councils.")
    lab.fake.clear()
    await lab.interact(lab.submission("UGEMMA", second, {
        "section": "3", "version": "1", "text": "Publish the review."}, view_id="V2"))
    reply = (await lab.fake.wait_for("response_url"))[-1]
    assert reply.args["response_type"] == "ephemeral"
    shown = " ".join(b.get("text", {}).get("text", "") for b in blocks_of(reply))
    assert "changed while you edited it" in " ".join(
        b["text"]["text"] for b in blocks_of(reply) if b["type"] == "header")
    assert "+Reach ten councils." in shown and "Publish the review." in shown
    async with slack_app.ctx.uow() as uow:
        terms = await uow.terms.latest(1)
        assert terms is not None and terms.sections[2].version == 2  # not overwritten
