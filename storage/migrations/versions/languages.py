"""languages: the language a person chose and the one their platform reports; a lab's language

Revision ID: languages
Revises: applications
Create Date: 2027-01-10 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'languages'
down_revision = 'applications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('language', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('platform_locale', sa.String(length=16), nullable=True))
    with op.batch_alter_table('labs') as batch:
        batch.add_column(sa.Column('language', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('labs') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('people') as batch:
        batch.drop_column('platform_locale')
        batch.drop_column('language')
