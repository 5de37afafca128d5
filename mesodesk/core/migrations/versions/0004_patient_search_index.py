"""A covering index for the patient search: the list reads it instead of every row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:40:00.000000
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.create_index(
            'ix_patient_search', ['archived', 'family_key', 'given_key', 'file_number'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_index('ix_patient_search')
