"""The poll's controls: the answer card's pages, selects and all-page buttons, the results
pages, and the confirmed delete."""

from __future__ import annotations

from typing import Any

from bot.domain import availability as av
from bot.domain.availability import Answer
from bot.domain.polls import PollStatus
from bot.errors import UserError
from bot.events import PollDeleted
from bot.features.common import kept
from bot.features.polls.cards import PER_PAGE, first_open_page, my_answer_card, my_results_card
from bot.features.polls.charts import heat_map_after_commit
from bot.features.polls.loaded import load
from bot.features.polls.service import poll_of_action, record, refuse_if_closed
from bot.i18n import _
from bot.messages import Card, Reply, Text
from bot.router import Call, Router

router = Router()


def page_arg(call: Call[Any]) -> tuple[int, str | None]:
    assert call.action is not None
    page, _x, rest = (call.action.arg or "1").partition(":")
    return (int(page) if page.isdigit() else 1), (rest or None)


@router.action("poll.open", scope="poll")
async def open_answers(call: Call[Any]) -> Reply:
    poll = await poll_of_action(call)
    refuse_if_closed(poll, call.now)
    loaded = await load(call.uow, poll)
    page = first_open_page(loaded, call.person.id, call.zone)
    return Reply(card=my_answer_card(call, loaded, page))


@router.action("poll.page", scope="poll")
async def answer_page(call: Call[Any]) -> Reply:
    poll = await poll_of_action(call)
    page, _x = page_arg(call)
    loaded = await load(call.uow, poll)
    return Reply(card=my_answer_card(call, loaded, page),
                 replace=True)


@router.action("poll.mark", scope="poll")
async def mark(call: Call[Any]) -> Reply:
    poll = await poll_of_action(call)
    page, answer = page_arg(call)
    if not call.values:
        raise UserError(_("Choose one or more slots from the menu."))
    numbers = [int(v) for v in call.values if v.isdigit()]
    await record(call, poll, numbers, Answer(answer or "yes"))
    loaded = await load(call.uow, poll)
    return Reply(card=my_answer_card(call, loaded, page),
                 replace=True)


@router.action("poll.all", scope="poll")
async def mark_page(call: Call[Any]) -> Reply:
    poll = await poll_of_action(call)
    page, answer = page_arg(call)
    loaded = await load(call.uow, poll)
    pages = av.day_pages(loaded.starts, call.zone, PER_PAGE)
    page = min(max(page, 1), len(pages))
    numbers = [loaded.slots[i].number for i in pages[page - 1][1]]
    await record(call, poll, numbers, Answer(answer or "yes"))
    loaded = await load(call.uow, poll)
    return Reply(card=my_answer_card(call, loaded, page),
                 replace=True)


@router.action("poll.results", scope="poll")
async def results_opened(call: Call[Any]) -> Reply:
    """The Results button of a poll or answer card: a new private message, with the picture."""
    poll = await poll_of_action(call)
    loaded = await load(call.uow, poll)
    card = my_results_card(call, loaded, 1)
    return Reply(card=card, files=(await heat_map_after_commit(call.uow, loaded, call.zone),))


@router.action("poll.results_page", scope="poll")
async def results_page(call: Call[Any]) -> Reply:
    poll = await poll_of_action(call)
    page, _x = page_arg(call)
    loaded = await load(call.uow, poll)
    return Reply(card=my_results_card(call, loaded, page), replace=True)


@router.action("poll.delete", scope="poll", access="facilitator")
async def poll_delete_confirmed(call: Call[Any]) -> Reply:
    poll = await poll_of_action(call)
    # A soft delete: slots and answers stay, so `/lab poll restore` can bring it back.
    poll.status, poll.deleted_at = PollStatus.DELETED, call.now
    await call.audit("poll.deleted", poll=poll.id, number=poll.number, title=poll.title)
    await call.emit(PollDeleted(lab_id=poll.lab_id, poll_id=poll.id))
    with call.in_lab_language():  # posted in the channel
        text = _("{display_name} deleted poll #{number} ({title}).").format(
            display_name=call.person.display_name, number=poll.number, title=poll.title)
    call.announce(Card((Text(text),), fallback=text))
    within = call.ctx.settings.lab.restore_within
    return Reply(card=Card((Text(
        _("Poll #{number} is deleted. A facilitator can restore it within {within} with "
        "`/lab poll restore {number}`.").format(
            number=poll.number, within=within)),)), replace=True)


@router.action("poll.keep", scope="poll", access="facilitator")
async def poll_kept(call: Call[Any]) -> Reply:
    poll = await poll_of_action(call)
    return kept(_("poll #{number} ({title})").format(
        number=poll.number, title=poll.title))
