"""Organisations as curators name them on the command line: listed with their ids, found by id
or by exact name (case-insensitive), with close matches when a name is unknown or ambiguous."""

import difflib
from dataclasses import dataclass

from sqlalchemy import Connection, func, select
from sqlmodel import SQLModel

from directory.errors import InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class OrganizationEntry:
    id: str
    name: str
    services: int


def list_organizations(
    connection: Connection, *, search: str | None = None
) -> list[OrganizationEntry]:
    """Every organisation (whose name holds `search`, in any case), by name, with its number of
    services."""
    organization = SQLModel.metadata.tables["organization"]
    service = SQLModel.metadata.tables["service"]
    query = (
        select(organization.c.id, organization.c.name, func.count(service.c.id))
        .outerjoin(service, service.c.organization_id == organization.c.id)
        .group_by(organization.c.id, organization.c.name)
        .order_by(func.lower(organization.c.name), organization.c.id)
    )
    if search:
        query = query.where(
            func.lower(organization.c.name).contains(search.lower(), autoescape=True)
        )
    return [
        OrganizationEntry(str(id_), str(name), int(count))
        for id_, name, count in connection.execute(query)
    ]


def _described(entries: list[OrganizationEntry]) -> str:
    return ", ".join(f"{entry.name} ({entry.id})" for entry in entries)


def _close(entries: list[OrganizationEntry], reference: str) -> list[OrganizationEntry]:
    wanted = reference.casefold()
    by_name = {entry.name.casefold(): entry for entry in entries}
    close = difflib.get_close_matches(wanted, list(by_name), n=5, cutoff=0.6)
    holding = [name for name in by_name if wanted in name and name not in close]
    return [by_name[name] for name in [*close, *holding][:5]]


def organization_id(connection: Connection, *, reference: str) -> str:
    """The id of the organisation `reference` names: its id, or its exact name in any case.
    NotFound (with close matches) or InvalidInput (several share that name) otherwise."""
    reference = reference.strip()
    entries = list_organizations(connection)
    if any(entry.id == reference for entry in entries):
        return reference
    named = [entry for entry in entries if entry.name.casefold() == reference.casefold()]
    if len(named) == 1:
        return named[0].id
    if named:
        raise InvalidInput(
            f"several organisations are named {reference!r}: {_described(named)}; give the id"
        )
    close = _close(entries, reference)
    hint = f"; close matches: {_described(close)}" if close else "; see passerelle org list"
    raise NotFound(f"no organization with id {reference} nor named {reference!r}{hint}")
