"""research notes

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02 21:00:00

A `research_note` table for what the researchers noted about a service (curators only). In a
database built from the bundle of November 2026, the research text the bundle had put in a
service's public `alert` moves into `research_note` (only where the alert is still exactly that
text: a partner's or curator's own alert stays), and the bundled 112 and 101 service records go:
they are notices only. The texts and ids are frozen here as they were in that bundle
(`../data/0004_bundle_2026_11_research_notes.json`); a migration never reads today's bundle.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTES = Path(__file__).parents[1] / "data" / "0004_bundle_2026_11_research_notes.json"
EMERGENCY_RECORDS = {
    # derived_id("service", "emergency_112", "line") and ("police_101", "line") in the bundle
    "2f84dd9c-4e20-5315-8d83-bfbcbd3e9cef": "623395ce-0517-554a-8ddc-e07421bc0d1a",
    "fbc2af5b-d0ce-5b22-a2c4-610003c630dd": "5bff2665-8ad1-5c5f-85a1-8122ccc8d131",
}
"""Bundled service id of 112 and 101 -> its organisation id."""


def upgrade() -> None:
    op.create_table('research_note',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('service_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source_urls', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('research_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_research_note_service_id'), ['service_id'], unique=False)
    connection = op.get_bind()
    tables = sa.MetaData()
    tables.reflect(connection)
    _move_bundled_alerts(connection, tables)
    _remove_emergency_records(connection, tables)


def _move_bundled_alerts(connection: sa.Connection, tables: sa.MetaData) -> None:
    service, note = tables.tables['service'], tables.tables['research_note']
    now = datetime.now(UTC)
    sqlite = connection.dialect.name == 'sqlite'
    for item in json.loads(NOTES.read_text(encoding='utf-8')):
        moved = connection.execute(
            sa.update(service)
            .where(service.c.id == item['service_id'], service.c.alert == item['text'])
            .values(alert=None)
        )
        if moved.rowcount:
            connection.execute(sa.insert(note).values(
                id=str(uuid.uuid4()),
                service_id=item['service_id'],
                text=item['text'],
                source_urls=item['source_urls'],
                created_at=now.replace(tzinfo=None) if sqlite else now,
            ))


def _remove_emergency_records(connection: sa.Connection, tables: sa.MetaData) -> None:
    """The two records and every row that belongs to them; then their organisations, unless
    something else still names them."""
    _delete(connection, tables, 'service', 'id', sorted(EMERGENCY_RECORDS))
    for organization_id in sorted(set(EMERGENCY_RECORDS.values())):
        if not _named_anywhere(connection, tables, 'organization', organization_id):
            _delete(connection, tables, 'organization', 'id', [organization_id])


def _delete(connection: sa.Connection, tables: sa.MetaData, name: str, column: str, ids: list[str]) -> None:
    """Rows of `name` whose `column` is in `ids`, after the rows that name them (by a foreign
    key, or as an HSDS attribute's `link_id` or a metadata row's `resource_id`)."""
    if not ids:
        return
    table = tables.tables[name]
    (key_column,) = table.primary_key.columns
    row_ids = [row[0] for row in connection.execute(sa.select(key_column).where(table.c[column].in_(ids)))]
    for child in tables.sorted_tables:
        if child is table:
            continue
        for key in child.foreign_keys:
            if key.column.table is table:
                _delete(connection, tables, child.name, key.parent.name, row_ids)
        for link in ('link_id', 'resource_id'):
            if link in child.c and child.name in ('attribute', 'metadata'):
                _delete(connection, tables, child.name, link, row_ids)
    connection.execute(sa.delete(table).where(table.c[column].in_(ids)))


def _named_anywhere(connection: sa.Connection, tables: sa.MetaData, target: str, row_id: str) -> bool:
    for table in tables.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == target:
                if connection.execute(sa.select(key.parent).where(key.parent == row_id).limit(1)).first():
                    return True
    return False


def downgrade() -> None:
    with op.batch_alter_table('research_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_note_service_id'))
    op.drop_table('research_note')
