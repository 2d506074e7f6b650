"""The terms of reference's controls: the section menu (a form with its text), the merge of a
stale save, and the consent buttons."""

from __future__ import annotations

from typing import Any

from bot.domain.terms import Answer
from bot.errors import NotFound, UserError
from bot.features.terms.commands import _answer, edit_form, object_form
from bot.features.terms.service import find_terms, refuse_unless_editable
from bot.i18n import _
from bot.messages import Reply
from bot.router import Call, Router
from storage.models import Terms

router = Router()


async def _terms(call: Call[Any]) -> Terms:
    terms = await find_terms(call)
    assert call.action is not None
    if str(terms.id) != (call.action.arg or ""):
        raise NotFound(_("Those are not the lab's current terms of reference; `/lab terms show` "
                       "shows them."))
    return terms


@router.action("terms.edit", scope="lab")
async def edit(call: Call[Any]) -> Reply:
    terms = await _terms(call)
    refuse_unless_editable(terms)
    if not call.values or not call.values[0].isdigit() or \
            not 1 <= int(call.values[0]) <= len(terms.sections):
        raise UserError(_("Choose a section from the menu."))
    return Reply(form=edit_form(terms.sections[int(call.values[0]) - 1]))


@router.action("terms.merge", scope="lab")
async def merge(call: Call[Any]) -> Reply:
    from bot.domain.terms import merge as merge_texts

    assert call.action is not None
    arg = call.action.arg or ""
    draft = await call.uow.terms.draft(int(arg)) if arg.isdigit() else None
    if draft is None or draft.person_id != call.person.id:
        raise NotFound(_("That draft is not yours, or no longer exists."))
    terms = await find_terms(call)
    refuse_unless_editable(terms)
    section = next((s for s in terms.sections if s.id == draft.section_id), None)
    if section is None:
        raise NotFound(_("That section is no longer in the lab's terms of reference."))
    before = await call.uow.terms.revision(section.id, draft.base_version)
    merged = merge_texts(before.text if before else "", draft.text, section.text)
    draft.merged_at = call.now
    return Reply(form=edit_form(section, merged.text))


@router.action("terms.agree", scope="lab")
async def agree(call: Call[Any]) -> Reply:
    return await _answer(call, await _terms(call), Answer.AGREE, None, None)


@router.action("terms.aside", scope="lab")
async def aside(call: Call[Any]) -> Reply:
    return await _answer(call, await _terms(call), Answer.STAND_ASIDE, None, None)


@router.action("terms.object", scope="lab")
async def object_(call: Call[Any]) -> Reply:
    return Reply(form=object_form(await _terms(call)))
