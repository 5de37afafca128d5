"""Before/after photo pairs chosen for the printed history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:12:40.118305
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('photo_pair',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('before_id', sa.Integer(), nullable=False),
    sa.Column('after_id', sa.Integer(), nullable=False),
    sa.Column('chosen_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('before_id <> after_id', name=op.f('ck_photo_pair_two_photos')),
    sa.ForeignKeyConstraint(['after_id'], ['photo.id'], name=op.f('fk_photo_pair_after_id_photo')),
    sa.ForeignKeyConstraint(['before_id'], ['photo.id'], name=op.f('fk_photo_pair_before_id_photo')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_photo_pair_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo_pair')),
    sa.UniqueConstraint('before_id', 'after_id', name=op.f('uq_photo_pair_before_id_after_id'))
    )
    with op.batch_alter_table('photo_pair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_pair_after_id'), ['after_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photo_pair_patient_id'), ['patient_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('photo_pair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_pair_patient_id'))
        batch_op.drop_index(batch_op.f('ix_photo_pair_after_id'))

    op.drop_table('photo_pair')
