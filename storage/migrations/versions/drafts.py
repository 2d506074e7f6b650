"""drafts: what was typed into a refused form, and votes waiting to be opened, kept a while

Revision ID: drafts
Revises: archive
Create Date: 2026-12-20 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'drafts'
down_revision = 'archive'
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = storage.models.UTCDateTime(timezone=True)
    op.create_table(
        'form_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', moment, nullable=False),
        sa.Column('expires_at', moment, nullable=False),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'],
                                name=op.f('fk_form_drafts_lab_id_labs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_form_drafts_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts')),
    )
    op.create_index(op.f('ix_form_drafts_lab_id'), 'form_drafts', ['lab_id'])
    op.create_index(op.f('ix_form_drafts_person_id'), 'form_drafts', ['person_id'])
    op.create_index(op.f('ix_form_drafts_expires_at'), 'form_drafts', ['expires_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_form_drafts_expires_at'), table_name='form_drafts')
    op.drop_index(op.f('ix_form_drafts_person_id'), table_name='form_drafts')
    op.drop_index(op.f('ix_form_drafts_lab_id'), table_name='form_drafts')
    op.drop_table('form_drafts')
