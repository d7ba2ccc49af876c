"""Who may change the directory: API tokens, portal users, their sessions and login throttling.

Secrets are never stored: a token or session id is kept as the sha256 of its random secret, a
password as an argon2id hash (pwdlib). A principal is a role (`partner` of one organisation,
`curator`, or `referrer`, who only records referral outcomes); audit rows name the role only,
never a person.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Connection, select, update
from sqlmodel import SQLModel

from directory.accounts.models import (
    ApiToken,
    PortalSession,
    PortalUser,
    Principal,
    Role,
)
from directory.errors import InvalidInput, NotFound

TOKEN_PREFIX = "psr"
SESSION_HOURS = 12


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _table(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def organization_exists(connection: Connection, organization_id: str) -> bool:
    organization = SQLModel.metadata.tables["organization"]
    found = connection.execute(
        select(organization.c.id).where(organization.c.id == organization_id)
    ).first()
    return found is not None


def _check_scope(connection: Connection, role: Role, organization_id: str | None) -> None:
    if role is Role.partner:
        if not organization_id:
            raise InvalidInput("a partner belongs to an organisation: give its id")
        if not organization_exists(connection, organization_id):
            raise NotFound(f"no organization with id {organization_id}")
    elif organization_id:
        raise InvalidInput(f"a {role.value} belongs to no organisation")


# --- API tokens ----------------------------------------------------------------------------------


def create_token(
    connection: Connection, *, role: Role, organization_id: str | None
) -> tuple[str, str]:
    """A new token: (token id, the bearer token to hand over once)."""
    _check_scope(connection, role, organization_id)
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    connection.execute(
        _table(ApiToken)
        .insert()
        .values(
            id=token_id,
            secret_hash=_sha256(secret),
            role=role.value,
            organization_id=organization_id,
            created_at=_now(),
        )
    )
    return token_id, f"{TOKEN_PREFIX}_{token_id}_{secret}"


def revoke_token(connection: Connection, *, token_id: str) -> None:
    table = _table(ApiToken)
    done = connection.execute(
        update(table)
        .where(table.c.id == token_id, table.c.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    if done.rowcount == 0:
        raise NotFound(f"no active token with id {token_id}")


def token_principal(connection: Connection, bearer: str) -> Principal | None:
    """The principal of a bearer token, or None if it is malformed, unknown or revoked."""
    parts = bearer.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    table = _table(ApiToken)
    row = connection.execute(select(table).where(table.c.id == parts[1])).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.secret_hash, _sha256(parts[2])):
        return None
    return Principal(Role(row.role), row.organization_id, row.id)


# --- users and passwords -------------------------------------------------------------------------

_PASSWORDS = PasswordHash((Argon2Hasher(),))
_DUMMY_HASH = _PASSWORDS.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 12


def _normal_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise InvalidInput(f"'{email}' is not an e-mail address")
    return email


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    connection: Connection, *, email: str, password: str, role: Role, organization_id: str | None
) -> str:
    """A new portal user; returns its id."""
    email = _normal_email(email)
    _check_password(password)
    _check_scope(connection, role, organization_id)
    table = _table(PortalUser)
    if connection.execute(select(table.c.id).where(table.c.email == email)).first():
        raise InvalidInput(f"a user with e-mail {email} already exists")
    user_id = str(uuid.uuid4())
    connection.execute(
        table.insert().values(
            id=user_id,
            email=email,
            password_hash=_PASSWORDS.hash(password),
            role=role.value,
            organization_id=organization_id,
            active=True,
            created_at=_now(),
        )
    )
    return user_id


def reset_password(connection: Connection, *, email: str, password: str) -> None:
    """Set a new password and end every session of the user."""
    email = _normal_email(email)
    _check_password(password)
    users = _table(PortalUser)
    row = connection.execute(select(users.c.id).where(users.c.email == email)).first()
    if row is None:
        raise NotFound(f"no user with e-mail {email}")
    connection.execute(
        update(users).where(users.c.id == row.id).values(password_hash=_PASSWORDS.hash(password))
    )
    sessions = _table(PortalSession)
    connection.execute(
        update(sessions)
        .where(sessions.c.user_id == row.id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def check_password(connection: Connection, *, email: str, password: str) -> Principal | None:
    """The principal of an active user whose password matches, else None (in constant-ish time)."""
    users = _table(PortalUser)
    row = connection.execute(select(users).where(users.c.email == email.strip().lower())).first()
    if row is None:
        _PASSWORDS.verify(password, _DUMMY_HASH)
        return None
    if not _PASSWORDS.verify(password, row.password_hash) or not row.active:
        return None
    return Principal(Role(row.role), row.organization_id, row.id)


# --- sessions ------------------------------------------------------------------------------------


def open_session(connection: Connection, *, user_id: str) -> str:
    """A new session for the user: returns the random session id (kept only as a hash)."""
    session_id = secrets.token_urlsafe(32)
    now = _now()
    connection.execute(
        _table(PortalSession)
        .insert()
        .values(
            id_hash=_sha256(session_id),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return session_id


def session_principal(connection: Connection, session_id: str) -> Principal | None:
    sessions, users = _table(PortalSession), _table(PortalUser)
    row = connection.execute(
        select(users.c.id, users.c.role, users.c.organization_id, users.c.active)
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(
            sessions.c.id_hash == _sha256(session_id),
            sessions.c.revoked_at.is_(None),
            sessions.c.expires_at > _now(),
        )
    ).first()
    if row is None or not row.active:
        return None
    return Principal(Role(row.role), row.organization_id, row.id)


def close_session(connection: Connection, *, session_id: str) -> None:
    sessions = _table(PortalSession)
    connection.execute(
        update(sessions)
        .where(sessions.c.id_hash == _sha256(session_id), sessions.c.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
