"""minutes: minutes, their numbered entries, attendance and action items

Revision ID: minutes
Revises: 0002
Create Date: 2026-11-26 21:51:43
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models


revision = 'minutes'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='minutesstatus', native_enum=False, length=16), nullable=False),
    sa.Column('started_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ended_by_id'], ['people.id'], name=op.f('fk_minutes_ended_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_minutes_lab_id_labs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['people.id'], name=op.f('fk_minutes_started_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes'))
    )
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_lab_id'), ['lab_id'], unique=False)
        batch_op.create_index('uq_minutes_open_lab', ['lab_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('present', 'apologies', name='presence', native_enum=False, length=16), nullable=False),
    sa.Column('recorded_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_attendance_minutes_id_minutes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attendance_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['people.id'], name=op.f('fk_attendance_recorded_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('minutes_id', 'person_id', name=op.f('uq_attendance_minutes_id_person_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_minutes_id'), ['minutes_id'], unique=False)

    op.create_table('minute_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('note', 'decision', 'action', name='entrykind', native_enum=False, length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.Enum('typed', 'reaction', 'poll', 'vote', name='entrysource', native_enum=False, length=16), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('edited_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.Column('dropped_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dropped_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_minute_entries_author_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_minute_entries_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dropped_by_id'], ['people.id'], name=op.f('fk_minute_entries_dropped_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minute_entries_minutes_id_minutes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minute_entries')),
    sa.UniqueConstraint('minutes_id', 'number', name=op.f('uq_minute_entries_minutes_id_number')),
    sa.UniqueConstraint('minutes_id', 'source_ref', name=op.f('uq_minute_entries_minutes_id_source_ref'))
    )
    with op.batch_alter_table('minute_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minute_entries_minutes_id'), ['minutes_id'], unique=False)

    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'open', 'done', 'dropped', name='actionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['done_by_id'], ['people.id'], name=op.f('fk_action_items_done_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['minute_entries.id'], name=op.f('fk_action_items_entry_id_minute_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_action_items_lab_id_labs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_action_items_owner_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_action_items_entry_id'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_lab_status', ['lab_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_owner_id'), ['owner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_owner_id'))
        batch_op.drop_index('ix_action_items_lab_status')

    op.drop_table('action_items')
    with op.batch_alter_table('minute_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minute_entries_minutes_id'))

    op.drop_table('minute_entries')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_minutes_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_index('uq_minutes_open_lab', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_minutes_lab_id'))

    op.drop_table('minutes')
