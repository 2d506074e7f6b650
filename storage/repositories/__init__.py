"""Repositories, one module per aggregate: the queries each feature needs, in the domain's words.

Every repository class is re-exported here, so `from storage.repositories import X` names it
whichever module holds it.
"""

from storage.repositories.applications import ApplicationRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import DeliveryRepository
from storage.repositories.drafts import DraftRepository
from storage.repositories.inbox import InboxRepository, SqliteInboxWriter
from storage.repositories.installations import InstallationRepository, OAuthStateRepository
from storage.repositories.labs import LabRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MembershipRepository
from storage.repositories.minutes import ActionItemRepository, MinutesRepository
from storage.repositories.people import PersonRepository
from storage.repositories.polls import PollRepository
from storage.repositories.posted_cards import PostedCardRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.terms import TermsRepository
from storage.repositories.votes import BallotRepository, VoteRepository

__all__ = [
    "ActionItemRepository",
    "ApplicationRepository",
    "AuditRepository",
    "BallotRepository",
    "DeliveryRepository",
    "DraftRepository",
    "InboxRepository",
    "InstallationRepository",
    "LabRepository",
    "MeetingRepository",
    "MembershipRepository",
    "MinutesRepository",
    "OAuthStateRepository",
    "PersonRepository",
    "PollRepository",
    "PostedCardRepository",
    "ReminderRepository",
    "SqliteInboxWriter",
    "TermsRepository",
    "VoteRepository",
]
