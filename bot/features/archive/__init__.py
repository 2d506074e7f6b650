"""Closing a lab: `/lab archive` makes it read-only and gives its record, one zip of every
set of minutes, each poll's and vote's results, the terms of reference with their history and
the audit log, with an index page; `/lab record` sends it again; `actionlab export` writes it
from the command line.

`commands` (the two commands, the confirmation), `service` (archive, make and send the
record), `record` (reading the record into plain values, then rendering and zipping it with
no row held). The read-only rule itself is the dispatcher's (`bot/dispatch.py`), with the
other access checks.
"""

from __future__ import annotations

from bot.features.archive import commands
from bot.features.archive.record import INDEX
from bot.features.archive.service import make_bundle
from bot.router import Router

__all__ = ["INDEX", "make_bundle", "router"]

router = Router()
router.include(commands.router)
