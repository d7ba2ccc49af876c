"""referral outcome counters

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:00:00

`referral_outcome_count`: how many referrals to a service had one outcome (accepted, turned away
because full, not eligible, no answer, other) in one month `YYYY-MM`. Nothing else: no account,
no person, no day, no free text. (Accessibility needs no table: it is HSDS `accessibility`.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('referral_outcome_count',
    sa.Column('service_id', sa.String(length=36), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('service_id', 'month', 'outcome')
    )
    with op.batch_alter_table('referral_outcome_count', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_referral_outcome_count_month'), ['month'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('referral_outcome_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_outcome_count_month'))
    op.drop_table('referral_outcome_count')
