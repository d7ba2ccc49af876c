"""curator audit events

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:40:00

`audit_event`: one row per thing that happened to a service (import, proposal, amendment,
approval, rejection, curator's edit, suspension, capacity, confirmation), with the role, the
time, the service's name and organisation and the changed fields, for the curators' audit page.
What the HSDS `metadata` rows of an existing database say per service is carried over: each
import of a service, each suspension and its end.
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('who', sa.String(length=16), nullable=False),
    sa.Column('service_id', sa.String(length=36), nullable=False),
    sa.Column('service_name', sa.Text(), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=True),
    sa.Column('change_id', sa.String(length=36), nullable=True),
    sa.Column('detail', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_happened_at'), ['happened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_organization_id'), ['organization_id'], unique=False)
    _carry_over(op.get_bind())


def _carry_over(connection: sa.Connection) -> None:
    """Imports, suspensions and their ends, from the `metadata` rows on services."""
    tables = sa.MetaData()
    tables.reflect(connection, only=['metadata', 'service', 'audit_event'])
    metadata, service = tables.tables['metadata'], tables.tables['service']
    rows = connection.execute(
        sa.select(metadata, service.c.name, service.c.organization_id)
        .join(service, service.c.id == metadata.c.resource_id)
        .where(metadata.c.resource_type == 'service', metadata.c.field_name.in_(['*', 'suspended']))
    )
    events = [_event(row) for row in rows]
    if events:
        connection.execute(sa.insert(tables.tables['audit_event']), events)


def _event(row: sa.Row[Any]) -> dict[str, object]:
    suspension = row.field_name == 'suspended'
    kind = ('suspension' if row.replacement_value else 'unsuspension') if suspension else 'import'
    return {
        'id': str(uuid.uuid4()),
        'happened_at': row.last_action_date,
        'kind': kind,
        'who': row.updated_by,
        'service_id': row.resource_id,
        'service_name': row.name or '',
        'organization_id': row.organization_id,
        'change_id': None,
        'detail': '' if suspension else row.last_action_type,
        'reason': (row.replacement_value or row.previous_value) if suspension else None,
        'before': '{}',
        'after': '{}',
    }


def downgrade() -> None:
    op.drop_table('audit_event')
