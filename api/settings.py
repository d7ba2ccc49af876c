"""Settings, from the environment (prefix `PASSERELLE_`) or a `.env` file. Read only by `api/` and
the CLI: the domain packages receive plain values."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Direct peers whose X-Forwarded-For is believed (for rate limits only).",
    )
    redis_url: str | None = Field(default=None, description="Rate-limit storage; memory if unset.")
    refresh_seconds: float = Field(
        default=3.0, description="How often each worker checks the directory for changes."
    )
    online_geocoder: bool = Field(
        default=False,
        description="Let unknown places go to an online geocoder (off: offline only).",
    )
    public_base_url: str | None = Field(
        default=None, description="The site's public address, printed on referral sheets."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
