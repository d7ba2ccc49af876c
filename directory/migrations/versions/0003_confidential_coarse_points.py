"""confidential coarse points

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 20:45:00.000000

A table of coarse points for confidential locations, and a point drawn for every confidential
location of the database that has a true (not `geo.approximate`) point; locations with only a
municipality centroid get none (see `directory.hsds.coarse_points`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from directory.hsds.coarse_points import refresh_coarse_points

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('coarse_point',
    sa.Column('location_id', sa.String(length=36), nullable=False),
    sa.Column('true_latitude', sa.Float(), nullable=False),
    sa.Column('true_longitude', sa.Float(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('location_id')
    )
    refresh_coarse_points(op.get_bind())


def downgrade() -> None:
    op.drop_table('coarse_point')
