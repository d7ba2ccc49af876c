"""Test data for the partner and curator areas: two organisations with a service each, tokens."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from directory.accounts.models import Role
from directory.accounts.service import create_token, revoke_token
from directory.hsds.importer import import_records
from tests.builders import new_id, service_record


@dataclass(frozen=True)
class World:
    org_a: str
    org_b: str
    service_a: str
    service_b: str
    token_a: str
    token_b: str
    curator: str
    revoked: str

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def organization(name: str) -> dict[str, Any]:
    return {"id": new_id(), "name": name, "description": f"{name}: fictional, for tests."}


def seed_world(engine: Engine) -> World:
    org_a, org_b = organization("Alpha shelter"), organization("Beta legal")
    a = service_record("Alpha beds", organization=org_a, codes=("need.emergency_shelter",))
    b = service_record("Beta advice", organization=org_b, codes=("need.legal_general",))
    with engine.begin() as connection:
        import_records(connection, [a, b])
        _, token_a = create_token(connection, role=Role.partner, organization_id=org_a["id"])
        _, token_b = create_token(connection, role=Role.partner, organization_id=org_b["id"])
        _, curator = create_token(connection, role=Role.curator, organization_id=None)
        revoked_id, revoked = create_token(
            connection, role=Role.partner, organization_id=org_a["id"]
        )
        revoke_token(connection, token_id=revoked_id)
    return World(
        org_a=org_a["id"],
        org_b=org_b["id"],
        service_a=a["id"],
        service_b=b["id"],
        token_a=token_a,
        token_b=token_b,
        curator=curator,
        revoked=revoked,
    )


def all_row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table (HSDS and partner tables alike)."""
    with engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
        return {
            name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
            for name in names
        }


def waiting_change(engine: Engine, world: World, patch: dict[str, Any]) -> str:
    """Org A's `patch` of its service, proposed and left waiting: the change's id."""
    from directory.changes import propose, working

    with engine.begin() as connection:
        state = working.working(connection, service_id=world.service_a, organization_id=world.org_a)
        outcome = propose.propose(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            if_match=state.etag,
            patch=patch,
        )
    assert outcome.change_id is not None
    return outcome.change_id
