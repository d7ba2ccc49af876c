"""Settings, from the environment (prefix `PASSERELLE_`) or a `.env` file. Read only by `api/` and
the CLI: the domain packages receive plain values."""

from functools import lru_cache
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Any

from limits import parse
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PASSERELLE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'passerelle.db'}",
        description="SQLAlchemy URL: a SQLite file (default: passerelle.db here) or postgresql://…",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    quick_exit_url: str = Field(
        default="https://www.google.com/search?q=weather",
        description="Where the quick-exit control goes: a neutral public site.",
    )
    secret_key: str = Field(
        default="",
        description="Signs session cookies and form tokens; generated and kept in memory if empty "
        "(then sessions end when the server restarts).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Direct peers (addresses or CIDR networks, comma-separated) whose "
        "X-Forwarded-For is believed (for rate limits only).",
    )
    redis_url: str | None = Field(default=None, description="Rate-limit storage; memory if unset.")
    rate_match: str = Field(default="60/minute", description="Anonymous matches per client.")
    rate_login: str = Field(default="10/minute", description="Portal login attempts per client.")
    rate_forms: str = Field(default="20/minute", description="Public form posts per client.")
    rate_outcomes: str = Field(
        default="20/hour", description="Referral outcomes recorded per portal account."
    )
    referral_outcomes: bool = Field(
        default=False,
        description="Let signed-in partners, curators and referrers record what became of a "
        "referral (counts per service and month only); off: no pages, no links.",
    )
    rate_key_prefix: str = Field(
        default="passerelle-rate", description="Prefix of the rate-limit keys kept in Redis."
    )
    refresh_seconds: float = Field(
        default=3.0, description="How often each worker checks the directory for changes."
    )
    warm_records: int = Field(
        default=4096,
        ge=0,
        description="Public service records each worker reads at start-up, before it answers, "
        "so that the first reads of them are quick (at most 4096; 0: none).",
    )
    reconnect_every: int = Field(
        default=50,
        ge=0,
        description="Every how many answers a worker closes the connection after its answer, so "
        "that kept-alive clients spread over the workers (0: never).",
    )
    online_geocoder: bool = Field(
        default=False,
        description="Send place names the offline gazetteer does not know to OpenStreetMap's "
        "Nominatim (a third party sees the name typed; off: offline only).",
    )
    public_base_url: str | None = Field(
        default=None, description="The site's public address, printed on referral sheets."
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for item in value:
            ip_network(item, strict=False)  # a ValueError names the bad entry
        return value

    @field_validator("rate_match", "rate_login", "rate_forms", "rate_outcomes")
    @classmethod
    def _rate(cls, value: str) -> str:
        parse(value)  # a ValueError says what is wrong with "60/minute"-style strings
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
