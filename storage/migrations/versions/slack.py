"""slack: installations, oauth states, inbound deliveries

Revision ID: slack
Revises: 0002
Create Date: 2026-11-26 21:52:38.881839
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models


revision = 'slack'
down_revision = 'minutes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbound_deliveries',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('received_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_inbound_deliveries'))
    )
    with op.batch_alter_table('inbound_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_deliveries_received_at'), ['received_at'], unique=False)

    op.create_table('installations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('enterprise_id', sa.String(length=32), nullable=True),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.String(length=32), nullable=True),
    sa.Column('installed_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installations'))
    )
    with op.batch_alter_table('installations', schema=None) as batch_op:
        batch_op.create_index('ix_installations_lookup', ['platform', 'kind', 'enterprise_id', 'team_id', 'installed_at'], unique=False)

    op.create_table('oauth_states',
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('expires_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_oauth_states'))
    )


def downgrade() -> None:
    op.drop_table('oauth_states')
    with op.batch_alter_table('installations', schema=None) as batch_op:
        batch_op.drop_index('ix_installations_lookup')

    op.drop_table('installations')
    with op.batch_alter_table('inbound_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_deliveries_received_at'))

    op.drop_table('inbound_deliveries')
