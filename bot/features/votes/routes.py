"""The votes feature's router: every command, action, handler and hook of the package
registers on it, and `bot.features.votes` hands it to the composition root."""

from __future__ import annotations

from bot.router import Router

router = Router()
