"""A refused form opened again, filled with what was typed (the dispatcher keeps the typing
as a draft and offers the "Fix the form" button; see bot/dispatch.py's `_refused_form`).

Slack keeps a modal open with its mistakes under the fields when they are found in time
(`Router.check_form`); Discord cannot answer a form with a form, and a mistake found only when
the command runs closes any form: the button is how the typing comes back."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.dispatch import REOPEN_ROUTE
from bot.errors import NotFound, StaleControl
from bot.handlers import CommandSpec
from bot.i18n import _
from bot.messages import Form, Input, Reply
from bot.router import Call, Router

router = Router()


def filled(form: Form, values: dict[str, Any], form_id: str | None = None) -> Form:
    """`form` with each field showing what was typed into it (cut to the field's length),
    the others as they were; sent back under `form_id` when given."""
    inputs: list[Input] = []
    for field in form.inputs:
        typed = values.get(field.name)
        if isinstance(typed, str) and typed.strip():
            field = dataclasses.replace(field, default=typed[:field.max_length])
        inputs.append(field)
    return dataclasses.replace(form, inputs=tuple(inputs), form_id=form_id or form.form_id)


@router.action(REOPEN_ROUTE, scope="lab", access="lab")
async def reopen(call: Call[Any]) -> Reply:
    """The "Fix the form" button: the form again, as it was filled."""
    assert call.action is not None
    arg = call.action.arg or ""
    draft = await call.uow.drafts.live(int(arg), call.person.id, call.now, kind="form") \
        if arg.isdigit() else None
    if draft is None or draft.lab_id != call.the_lab.id:
        raise NotFound(_("What you typed into that form is no longer kept (drafts are kept "
                         "for a day, for the person who typed them). Open the form again "
                         "with the command."))
    spec: CommandSpec | None = call.ctx.router.commands.get(str(draft.payload.get("command")))
    if spec is None or spec.form is None:
        raise StaleControl()
    form = await spec.form(call)
    values = draft.payload.get("values")
    form_id = draft.payload.get("form_id")
    return Reply(form=filled(form, values if isinstance(values, dict) else {},
                             form_id if isinstance(form_id, str) else None))
