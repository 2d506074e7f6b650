"""Membership as an Action Lab runs it: a call for applications (`/lab call open`), the
application form (`/lab apply`, the Apply button), review by facilitators and reviewers
(the steering group: `/lab applications`, `/lab application <n>`, `/lab score`), decisions
within the member limit (`/lab accept`, `/lab decline`), the invitation that makes an
accepted applicant a member, the export for the team, and the retention purge of declined
applicants."""

from __future__ import annotations

from bot.features.applications import actions, commands, exports, subjects
from bot.features.applications.retention import PURGE_JOB, purge_declined, start_purge
from bot.router import Router

__all__ = ["PURGE_JOB", "purge_declined", "router", "start_purge"]

router = Router()
for _part in (commands, actions, exports, subjects):
    router.include(_part.router)
