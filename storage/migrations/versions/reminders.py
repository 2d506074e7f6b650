"""reminders: the reminders table (the source of truth for every timer) and per-lab
reminder settings

Revision ID: reminders
Revises: votes
Create Date: 2026-11-26 21:56:40.018315
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models


revision = 'reminders'
down_revision = 'votes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lab_reminder_settings',
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('meeting_offsets', sa.String(length=100), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_lab_reminder_settings_lab_id_labs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lab_id', name=op.f('pk_lab_reminder_settings'))
    )
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('custom', 'meeting', 'nudge', 'close', 'action_item', name='reminderkind', native_enum=False, length=16), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('subject_kind', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('subject_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('offset_minutes', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('repeat', sa.String(length=64), nullable=True),
    sa.Column('repeat_zone', sa.String(length=64), nullable=True),
    sa.Column('quiet_exempt', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'cancelled', 'failed', 'missed', name='reminderstatus', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('missed_reported_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_reminders_author_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_reminders_lab_id_labs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['people.id'], name=op.f('fk_reminders_recipient_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_lab_id'), ['lab_id'], unique=False)
        batch_op.create_index('ix_reminders_recipient_status', ['recipient_id', 'status'], unique=False)
        batch_op.create_index('ix_reminders_status_next_at', ['status', 'next_at'], unique=False)
        batch_op.create_index('ix_reminders_subject', ['subject_kind', 'subject_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_subject')
        batch_op.drop_index('ix_reminders_status_next_at')
        batch_op.drop_index('ix_reminders_recipient_status')
        batch_op.drop_index(batch_op.f('ix_reminders_lab_id'))

    op.drop_table('reminders')
    op.drop_table('lab_reminder_settings')
