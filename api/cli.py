"""The `passerelle` command. Every command first brings the database's schema up to date."""

import os
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine

from api import cli_accounts
from api.settings import Settings, get_settings
from directory import bundled
from directory.database import make_engine, session_scope, upgrade_schema
from directory.errors import InvalidInput
from directory.faults import UNAVAILABLE, describe
from directory.hsds import exporter, importer
from directory.hsds.files import iter_records


class _Passerelle(typer.Typer):
    """The command, turning database faults (down, read-only, full) into a message and exit 1."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except UNAVAILABLE as error:
            typer.echo(
                f"error: the database cannot be reached or written: {describe(error)}", err=True
            )
            typer.echo("Nothing was changed. Check the database, then try again.", err=True)
            sys.exit(1)


app = _Passerelle(
    name="passerelle",
    help="Passerelle: a directory and referral matcher for sex workers and victims of trafficking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _engine(settings: Settings) -> Engine:
    engine = make_engine(settings.database_url, pool=False)
    upgrade_schema(engine)
    return engine


def _fail(error: InvalidInput) -> None:
    typer.echo(f"error: {error.message}", err=True)
    for item in error.errors:
        typer.echo(f"  {item}", err=True)
    raise typer.Exit(code=1)


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
        "uvicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
"""Logging of `serve`, applied by uvicorn in every worker process (`--workers 2` too): level and
logger name on each line, INFO and above. No access log: it would hold addresses and paths."""


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Worker processes.")] = None,
) -> None:
    """Serve the website and the APIs (loads the bundled directory into an empty database)."""
    settings = get_settings()
    if not settings.secret_key:
        # one key for every worker (sessions, form tokens, rate-limit hashes), in memory only
        os.environ["PASSERELLE_SECRET_KEY"] = secrets.token_urlsafe(32)
    engine = _engine(settings)
    with session_scope(engine) as session:
        loaded = bundled.load_if_empty(session.connection())
    if loaded:
        typer.echo(f"Loaded the bundled directory: {loaded} services.")
    engine.dispose()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        log_config=LOG_CONFIG,
        # a worker starting on a busy machine may take longer than uvicorn's 5 s to answer its
        # first health check (importing the app): it was killed and started again, in a loop
        timeout_worker_healthcheck=30,
    )


def _import_progress() -> Progress:
    """Records checked so far, on a terminal only (the file is read as it goes: no total)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="HSDS JSON file, or CSV data package folder.")],
) -> None:
    """Import HSDS 3.0 services: all of them, or nothing if any record is wrong."""
    engine = _engine(get_settings())
    try:
        records = iter_records(path)  # read as they are checked: never the whole file at once
        with _import_progress() as progress:
            task = progress.add_task("checking records", total=None)
            with session_scope(engine) as session:
                summary = importer.import_records(
                    session.connection(),
                    records,
                    progress=lambda n: progress.advance(task, n),
                )
    except InvalidInput as error:
        _fail(error)
        return
    typer.echo(
        f"Imported {summary.total} services ({summary.created} new, {summary.updated} updated)."
    )


@app.command()
def export(
    path: Annotated[Path, typer.Argument(help="JSON file, or folder for the CSV data package.")],
    format: Annotated[
        exporter.Format, typer.Option("--format", help="json or csv.")
    ] = exporter.Format.json,
    include_confidential: Annotated[
        bool, typer.Option(help="Keep confidential addresses: for curators only, never publish.")
    ] = False,
) -> None:
    """Export every service as HSDS 3.0 (confidential addresses left out unless asked)."""
    engine = _engine(get_settings())
    with session_scope(engine) as session:
        count = exporter.export_directory(
            session.connection(), path, format=format, include_confidential=include_confidential
        )
    typer.echo(f"Exported {count} services to {path}.")


@app.command()
def migrate() -> None:
    """Bring the database's schema up to date, and nothing else."""
    _engine(get_settings())
    typer.echo("The database schema is up to date.")


cli_accounts.register(app)


if __name__ == "__main__":
    app()
