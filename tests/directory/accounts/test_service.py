"""Accounts, on SQLite and PostgreSQL: tokens and passwords are kept only as hashes, a session
ends with a new password, and every bad input is refused with a message naming it."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

from directory.accounts import service as accounts
from directory.accounts.models import Principal, Role
from directory.errors import InvalidInput, NotFound
from tests.builders import new_id

PASSWORD = "a long enough passphrase"


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as connection:
        yield connection


@pytest.fixture
def organization_id(connection: Connection) -> str:
    organization_id = new_id()
    connection.execute(
        text("INSERT INTO organization (id, name, description) VALUES (:id, 'Fictional org', '')"),
        {"id": organization_id},
    )
    return organization_id


def test_a_token_works_until_revoked_and_only_its_hash_is_stored(
    connection: Connection, organization_id: str
) -> None:
    token_id, bearer = accounts.create_token(
        connection, role=Role.partner, organization_id=organization_id
    )
    assert accounts.token_principal(connection, bearer) == Principal(
        Role.partner, organization_id, token_id
    )
    stored = " ".join(
        str(value) for value in connection.execute(text("SELECT * FROM api_token")).one()
    )
    assert bearer not in stored and bearer.split(".")[-1] not in stored
    accounts.revoke_token(connection, token_id=token_id)
    assert accounts.token_principal(connection, bearer) is None
    assert accounts.token_principal(connection, bearer + "x") is None


def test_a_partner_needs_an_existing_organisation_a_curator_none(
    connection: Connection, organization_id: str
) -> None:
    with pytest.raises(InvalidInput, match="organisation"):
        accounts.create_token(connection, role=Role.partner, organization_id=None)
    with pytest.raises(NotFound, match="no organization with id nowhere"):
        accounts.create_token(connection, role=Role.partner, organization_id="nowhere")
    with pytest.raises(InvalidInput, match="a curator belongs to no organisation"):
        accounts.create_token(connection, role=Role.curator, organization_id=organization_id)


def test_a_password_opens_a_session_and_a_new_password_closes_it(
    connection: Connection, organization_id: str
) -> None:
    user_id = accounts.create_user(
        connection, email=" Partner@Example.ORG ", password=PASSWORD, role=Role.partner,
        organization_id=organization_id,
    )  # fmt: skip
    principal = accounts.check_password(connection, email="partner@example.org", password=PASSWORD)
    assert principal == Principal(Role.partner, organization_id, user_id)
    assert (
        accounts.check_password(connection, email="partner@example.org", password="wrong") is None
    )
    assert (
        accounts.check_password(connection, email="nobody@example.org", password=PASSWORD) is None
    )
    hashed = connection.execute(text("SELECT password_hash FROM portal_user")).scalar_one()
    assert PASSWORD not in hashed and hashed.startswith("$argon2id$")

    session_id = accounts.open_session(connection, user_id=user_id)
    assert accounts.session_principal(connection, session_id) == principal
    accounts.reset_password(connection, email="partner@example.org", password=PASSWORD + "!")
    assert accounts.session_principal(connection, session_id) is None
    assert (
        accounts.check_password(connection, email="partner@example.org", password=PASSWORD) is None
    )


def test_closing_a_session_signs_out_that_session_only(
    connection: Connection, organization_id: str
) -> None:
    user_id = accounts.create_user(
        connection, email="p@example.org", password=PASSWORD, role=Role.partner,
        organization_id=organization_id,
    )  # fmt: skip
    first = accounts.open_session(connection, user_id=user_id)
    second = accounts.open_session(connection, user_id=user_id)
    accounts.close_session(connection, session_id=first)
    assert accounts.session_principal(connection, first) is None
    assert accounts.session_principal(connection, second) is not None
    stored = connection.execute(text("SELECT id_hash FROM portal_session")).scalars().all()
    assert first not in stored and second not in stored


@pytest.mark.parametrize(
    ("email", "password", "said"),
    [
        ("not-an-address", PASSWORD, "'not-an-address' is not an e-mail address"),
        ("with space@example.org", PASSWORD, "is not an e-mail address"),
        ("short@example.org", "short", "a password needs at least"),
    ],
)
def test_a_bad_email_or_password_is_refused_and_nothing_is_written(
    connection: Connection, email: str, password: str, said: str
) -> None:
    with pytest.raises(InvalidInput, match=said):
        accounts.create_user(
            connection, email=email, password=password, role=Role.curator, organization_id=None
        )
    assert connection.execute(text("SELECT count(*) FROM portal_user")).scalar_one() == 0


def test_one_account_per_email(connection: Connection) -> None:
    accounts.create_user(
        connection, email="c@example.org", password=PASSWORD, role=Role.curator,
        organization_id=None,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="a user with e-mail c@example.org already exists"):
        accounts.create_user(
            connection, email="C@example.org", password=PASSWORD, role=Role.curator,
            organization_id=None,
        )  # fmt: skip
    with pytest.raises(NotFound, match="no user with e-mail nobody@example.org"):
        accounts.reset_password(connection, email="nobody@example.org", password=PASSWORD)
