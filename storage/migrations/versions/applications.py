"""applications: calls to join a lab, applications, their reviews, reviewers, admission

Revision ID: applications
Revises: terms
Create Date: 2026-12-07 03:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = 'applications'
down_revision = 'terms'
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = storage.models.UTCDateTime(timezone=True)
    op.create_table(
        'lab_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('open', 'decided', name='callstatus',
                                    native_enum=False, length=16), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('closes_at', moment, nullable=False),
        sa.Column('hear_by', sa.Date(), nullable=False),
        sa.Column('created_at', moment, nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', moment, nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['people.id'],
                                name=op.f('fk_lab_calls_created_by_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_lab_calls_lab_id_labs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_calls')),
        sa.UniqueConstraint('lab_id', 'number', name=op.f('uq_lab_calls_lab_id_number')),
    )
    op.create_index(op.f('ix_lab_calls_lab_id'), 'lab_calls', ['lab_id'], unique=False)
    op.create_table(
        'applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('workspace', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('complete', sa.Boolean(), nullable=False),
        sa.Column('status', sa.Enum('submitted', 'accepted', 'declined', 'joined',
                                    name='applicationstatus', native_enum=False, length=16),
                  nullable=False),
        sa.Column('submitted_at', moment, nullable=False),
        sa.Column('updated_at', moment, nullable=False),
        sa.Column('decided_at', moment, nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('joined_at', moment, nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['lab_calls.id'],
                                name=op.f('fk_applications_call_id_lab_calls'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['people.id'],
                                name=op.f('fk_applications_decided_by_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'],
                                name=op.f('fk_applications_lab_id_labs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_applications_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
        sa.UniqueConstraint('call_id', 'number', name=op.f('uq_applications_call_id_number')),
        sa.UniqueConstraint('call_id', 'person_id',
                            name=op.f('uq_applications_call_id_person_id')),
    )
    op.create_index(op.f('ix_applications_call_id'), 'applications', ['call_id'], unique=False)
    op.create_index(op.f('ix_applications_person_id'), 'applications', ['person_id'],
                    unique=False)
    op.create_table(
        'application_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('updated_at', moment, nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_application_reviews_application_id_applications'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['people.id'],
                                name=op.f('fk_application_reviews_reviewer_id_people'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application_reviews')),
        sa.UniqueConstraint('application_id', 'reviewer_id',
                            name=op.f('uq_application_reviews_application_id_reviewer_id')),
    )
    op.create_index(op.f('ix_application_reviews_application_id'), 'application_reviews',
                    ['application_id'], unique=False)
    op.create_table(
        'lab_reviewers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('added_at', moment, nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['added_by_id'], ['people.id'],
                                name=op.f('fk_lab_reviewers_added_by_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_lab_reviewers_lab_id_labs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_lab_reviewers_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_reviewers')),
        sa.UniqueConstraint('lab_id', 'person_id', name=op.f('uq_lab_reviewers_lab_id_person_id')),
    )
    op.create_index(op.f('ix_lab_reviewers_lab_id'), 'lab_reviewers', ['lab_id'], unique=False)
    op.create_table(
        'lab_admission',
        sa.Column('lab_id', sa.Integer(), nullable=False),
        sa.Column('join_open', sa.Boolean(), nullable=False),
        sa.Column('updated_at', moment, nullable=False),
        sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_lab_admission_lab_id_labs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('lab_id', name=op.f('pk_lab_admission')),
    )


def downgrade() -> None:
    op.drop_table('lab_admission')
    op.drop_index(op.f('ix_lab_reviewers_lab_id'), table_name='lab_reviewers')
    op.drop_table('lab_reviewers')
    op.drop_index(op.f('ix_application_reviews_application_id'),
                  table_name='application_reviews')
    op.drop_table('application_reviews')
    op.drop_index(op.f('ix_applications_person_id'), table_name='applications')
    op.drop_index(op.f('ix_applications_call_id'), table_name='applications')
    op.drop_table('applications')
    op.drop_index(op.f('ix_lab_calls_lab_id'), table_name='lab_calls')
    op.drop_table('lab_calls')
