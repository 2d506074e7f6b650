"""archive: when a lab was archived and by whom (`/lab archive`), after which it is read-only

Revision ID: archive
Revises: languages
Create Date: 2027-01-12 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'archive'
down_revision = 'languages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = storage.models.UTCDateTime(timezone=True)
    with op.batch_alter_table('labs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', moment, nullable=True))
        batch_op.add_column(sa.Column('archived_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_labs_archived_by_id_people'), 'people',
                                    ['archived_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('labs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_labs_archived_by_id_people'),
                                 type_='foreignkey')
        batch_op.drop_column('archived_by_id')
        batch_op.drop_column('archived_at')
