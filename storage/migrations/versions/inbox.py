"""inbox: every acknowledged inbound event, recorded before the ack, so none is lost

Revision ID: inbox
Revises: link_purpose
Create Date: 2026-12-07 00:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models


revision = 'inbox'
down_revision = 'link_purpose'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('workspace', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('reply_to', sa.JSON(), nullable=False),
        sa.Column('resend', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=True),
        sa.Column('lease_until', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('received_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox')),
        sa.UniqueConstraint('key', name=op.f('uq_inbox_key')),
    )
    op.create_index('ix_inbox_status_lease', 'inbox', ['status', 'lease_until'],
                    unique=False)
    op.create_index(op.f('ix_inbox_received_at'), 'inbox', ['received_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inbox_received_at'), table_name='inbox')
    op.drop_index('ix_inbox_status_lease', table_name='inbox')
    op.drop_table('inbox')
