"""The reminders feature's one Router, on which each of its modules registers."""

from __future__ import annotations

from bot.router import Router

router = Router()
