"""The accounts' tables: API tokens, portal users, their sessions and sign-in throttling; the
roles and the principal a request acts as. Secrets are kept only as hashes (`service.py`)."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime


class Role(StrEnum):
    partner = "partner"
    curator = "curator"
    referrer = "referrer"
    """A social worker who may record referral outcomes, and nothing else."""


class ApiToken(SQLModel, table=True):
    """A bearer token: `psr_<id>_<secret>`; only sha256(secret) is kept."""

    __tablename__ = "api_token"

    id: str = Field(primary_key=True, max_length=32)
    secret_hash: str = Field(max_length=64)
    role: str = Field(max_length=16)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PortalUser(SQLModel, table=True):
    """A person who signs in to the portal: a partner of one organisation, a curator, or a
    referrer (a social worker recording referral outcomes)."""

    __tablename__ = "portal_user"

    id: str = Field(primary_key=True, max_length=36)
    email: str = Field(unique=True, max_length=320)
    password_hash: str
    role: str = Field(max_length=16)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)


class PortalSession(SQLModel, table=True):
    """A signed-in browser: only sha256 of the random session id is kept."""

    __tablename__ = "portal_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="portal_user.id", index=True, max_length=36)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per keyed hash of (e-mail, client) or of the e-mail alone, and the time
    before the next try (`directory.accounts.login_throttle`)."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    blocked_until: datetime = Field(sa_type=UTCDateTime)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: the role, the organisation of a partner, and the token or user id."""

    role: Role
    organization_id: str | None
    subject_id: str

    @property
    def is_curator(self) -> bool:
        return self.role is Role.curator
