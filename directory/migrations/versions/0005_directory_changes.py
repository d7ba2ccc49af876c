"""directory changes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:10:00

`directory_change`: one row per published change (of one service, or of everything), which
workers read to update only what changed, instead of every write updating the one
`directory_state` row (which queued every write behind the previous one). The current version is
carried over as the first change, so that a running worker sees nothing new.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('directory_change',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('service_id', sa.String(length=36), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    connection = op.get_bind()
    version = connection.execute(sa.text('SELECT max(version) FROM directory_state')).scalar()
    if version:
        table = sa.table('directory_change', sa.column('seq'), sa.column('changed_at'))
        connection.execute(sa.insert(table).values(seq=int(version), changed_at=datetime.now(UTC)))
        if connection.dialect.name == 'postgresql':
            connection.execute(sa.text(
                "SELECT setval(pg_get_serial_sequence('directory_change', 'seq'), :v)"
            ), {'v': int(version)})


def downgrade() -> None:
    op.drop_table('directory_change')
