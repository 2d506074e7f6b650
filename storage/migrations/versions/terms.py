"""terms: options with their case, agendas and call details, terms of reference

Revision ID: terms
Revises: live_cards
Create Date: 2026-12-07 03:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'terms'
down_revision = 'live_cards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = storage.models.UTCDateTime(timezone=True)
    op.add_column('vote_options', sa.Column('description', sa.Text(), nullable=True))
    op.add_column('meetings', sa.Column('place', sa.String(length=500), nullable=True))
    op.create_table(
        'agenda_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('minutes', sa.Integer(), nullable=True),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', moment, nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['people.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_agenda_items_meeting_id'), 'agenda_items', ['meeting_id'],
                    unique=False)
    op.create_table(
        'terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('vote_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('status', sa.Enum('draft', 'consent', 'approved', name='termsstatus',
                                    native_enum=False, length=16), nullable=False),
        sa.Column('public', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('consent_closes_at', moment, nullable=True),
        sa.Column('created_at', moment, nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', moment, nullable=True),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('lab_id', 'number'),
    )
    op.create_index(op.f('ix_terms_lab_id'), 'terms', ['lab_id'], unique=False)
    op.create_table(
        'terms_sections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('terms_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('heading', sa.String(length=100), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', moment, nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['terms_id'], ['terms.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['people.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('terms_id', 'position'),
    )
    op.create_index(op.f('ix_terms_sections_terms_id'), 'terms_sections', ['terms_id'],
                    unique=False)
    op.create_table(
        'terms_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', moment, nullable=False),
        sa.Column('note', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['section_id'], ['terms_sections.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['people.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('section_id', 'version'),
    )
    op.create_index(op.f('ix_terms_revisions_section_id'), 'terms_revisions', ['section_id'],
                    unique=False)
    op.create_table(
        'terms_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', moment, nullable=False),
        sa.Column('merged_at', moment, nullable=True),
        sa.ForeignKeyConstraint(['section_id'], ['terms_sections.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_terms_drafts_section_id'), 'terms_drafts', ['section_id'],
                    unique=False)
    op.create_table(
        'terms_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', moment, nullable=False),
        sa.ForeignKeyConstraint(['section_id'], ['terms_sections.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['people.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_terms_comments_section_id'), 'terms_comments', ['section_id'],
                    unique=False)
    op.create_table(
        'terms_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('terms_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('answer', sa.Enum('agree', 'stand_aside', 'object', name='answer',
                                    native_enum=False, length=16), nullable=False),
        sa.Column('section_key', sa.String(length=32), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('answered_at', moment, nullable=False),
        sa.ForeignKeyConstraint(['terms_id'], ['terms.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('terms_id', 'round', 'person_id'),
    )
    op.create_index(op.f('ix_terms_responses_terms_id'), 'terms_responses', ['terms_id'],
                    unique=False)


def downgrade() -> None:
    for table, column in (('terms_responses', 'terms_id'), ('terms_comments', 'section_id'),
                          ('terms_drafts', 'section_id'), ('terms_revisions', 'section_id'),
                          ('terms_sections', 'terms_id'), ('terms', 'lab_id')):
        op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f('ix_agenda_items_meeting_id'), table_name='agenda_items')
    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('place')
    with op.batch_alter_table('vote_options') as batch:
        batch.drop_column('description')
