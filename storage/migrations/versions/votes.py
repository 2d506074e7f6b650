"""votes: votes, their options and ballots

Revision ID: votes
Revises: minutes_meetings
Create Date: 2026-11-26 21:56:19.471467
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models


revision = 'votes'
down_revision = 'minutes_meetings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('strength', sa.String(length=16), nullable=False),
    sa.Column('tie_break', sa.String(length=32), nullable=False),
    sa.Column('results', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('closes_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['people.id'], name=op.f('fk_votes_closed_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_votes_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_votes_lab_id_labs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('lab_id', 'number', name=op.f('uq_votes_lab_id_number'))
    )
    op.create_index(op.f('ix_votes_lab_id'), 'votes', ['lab_id'], unique=False)

    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('ranking', sa.JSON(), nullable=False),
    sa.Column('cast_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_ballots_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_ballots_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('vote_id', 'person_id', name=op.f('uq_ballots_vote_id_person_id'))
    )
    op.create_index(op.f('ix_ballots_vote_id'), 'ballots', ['vote_id'], unique=False)

    op.create_table('vote_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_options_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_options')),
    sa.UniqueConstraint('vote_id', 'position', name=op.f('uq_vote_options_vote_id_position'))
    )
    op.create_index(op.f('ix_vote_options_vote_id'), 'vote_options', ['vote_id'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_vote_options_vote_id'), table_name='vote_options')
    op.drop_table('vote_options')
    op.drop_index(op.f('ix_ballots_vote_id'), table_name='ballots')
    op.drop_table('ballots')
    op.drop_index(op.f('ix_votes_lab_id'), table_name='votes')
    op.drop_table('votes')
