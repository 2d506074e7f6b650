"""live_cards: public cards remembered, to be redrawn in place as what they show changes

Revision ID: live_cards
Revises: commitment_changed
Create Date: 2026-12-10 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'live_cards'
down_revision = 'commitment_changed'
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = storage.models.UTCDateTime(timezone=True)
    op.create_table(
        'posted_cards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('workspace', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('drawn_version', sa.Integer(), nullable=False),
        sa.Column('due_at', moment, nullable=True),
        sa.Column('drawn_at', moment, nullable=True),
        sa.Column('claimed_until', moment, nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', moment, nullable=False),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'],
                                name=op.f('fk_posted_cards_lab_id_labs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_posted_cards')),
        sa.UniqueConstraint('platform', 'workspace', 'channel', 'message_id',
                            name=op.f('uq_posted_cards_platform_workspace_channel_message_id')),
    )
    op.create_index('ix_posted_cards_subject', 'posted_cards', ['kind', 'subject_id'])
    op.create_index(op.f('ix_posted_cards_lab_id'), 'posted_cards', ['lab_id'])
    op.create_index(op.f('ix_posted_cards_due_at'), 'posted_cards', ['due_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_posted_cards_due_at'), table_name='posted_cards')
    op.drop_index(op.f('ix_posted_cards_lab_id'), table_name='posted_cards')
    op.drop_index('ix_posted_cards_subject', table_name='posted_cards')
    op.drop_table('posted_cards')
