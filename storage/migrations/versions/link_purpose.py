"""link_purpose: link codes bound to a purpose (a channel, or a person) and kept as a hash

Revision ID: link_purpose
Revises: zone_asked
Create Date: 2026-12-07 00:40:00.000000

Codes were stored as typed; from here only their SHA-256 is kept. Codes made before this
revision are hashed in place (they keep working until they expire) and are channel codes.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op


revision = 'link_purpose'
down_revision = 'zone_asked'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('channel_links') as batch:
        batch.add_column(sa.Column('code_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('purpose', sa.String(length=16), nullable=True))
    links = sa.table('channel_links', sa.column('id', sa.Integer()),
                     sa.column('code', sa.String()), sa.column('code_hash', sa.String()),
                     sa.column('purpose', sa.String()))
    bind = op.get_bind()
    for row_id, code in bind.execute(sa.select(links.c.id, links.c.code)).all():
        digest = hashlib.sha256(str(code).strip().upper().encode('utf-8')).hexdigest()
        bind.execute(links.update().where(links.c.id == row_id)
                     .values(code_hash=digest, purpose='channel'))
    with op.batch_alter_table('channel_links') as batch:
        batch.alter_column('code_hash', existing_type=sa.String(length=64), nullable=False)
        batch.alter_column('purpose', existing_type=sa.String(length=16), nullable=False)
        batch.alter_column('lab_id', existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint('uq_channel_links_code', type_='unique')
        batch.drop_column('code')
        batch.create_unique_constraint(batch.f('uq_channel_links_code_hash'), ['code_hash'])


def downgrade() -> None:
    # The codes themselves were never kept: live codes cannot be restored, so every code
    # is dropped (they last 30 minutes); personal codes have no place in the old table.
    op.execute('DELETE FROM channel_links')
    with op.batch_alter_table('channel_links') as batch:
        batch.drop_constraint('uq_channel_links_code_hash', type_='unique')
        batch.drop_column('code_hash')
        batch.drop_column('purpose')
        batch.add_column(sa.Column('code', sa.String(length=16), nullable=False))
        batch.alter_column('lab_id', existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(batch.f('uq_channel_links_code'), ['code'])
