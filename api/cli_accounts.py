"""`passerelle org|token|user|stale|coverage`: organisations, accounts for partners and
curators, the services to check, and where the directory is thin.

No outbound mail: a curator creates accounts and resets passwords here and hands them over.
Passwords come from a prompt (not echoed) or from standard input (`--password-stdin`), never from
the command line. `--org` takes an organisation's id or its exact name (any case).
"""

import csv
import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from api.settings import get_settings
from directory.accounts.models import Role
from directory.accounts.service import create_token, create_user, reset_password, revoke_token
from directory.database import make_engine, session_scope, upgrade_schema
from directory.errors import PasserelleError
from directory.hsds.coverage_gaps import PROVINCES, Cell, coverage, grid
from directory.hsds.organizations import OrganizationEntry, list_organizations, organization_id
from directory.hsds.repository import service_records
from directory.hsds.stale import stale_services
from directory.places.gazetteer import gazetteer

token_app = typer.Typer(
    help="API tokens for partner organisations and curators.", no_args_is_help=True
)
user_app = typer.Typer(
    help="Portal accounts for partners, curators and referrers.", no_args_is_help=True
)
org_app = typer.Typer(help="Organisations of the directory.", no_args_is_help=True)


def _engine() -> Engine:
    engine = make_engine(get_settings().database_url, pool=False)
    upgrade_schema(engine)
    return engine


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def _role(org: str | None, curator: bool) -> Role:
    if bool(org) == curator:
        _fail("give exactly one of --org ORG (its id or exact name) or --curator")
    return Role.curator if curator else Role.partner


def _user_role(org: str | None, curator: bool, referrer: bool) -> Role:
    if [bool(org), curator, referrer].count(True) != 1:
        _fail("give exactly one of --org ORG (its id or exact name), --curator or --referrer")
    return Role.referrer if referrer else _role(org, curator)


def _organization(engine: Engine, org: str | None) -> str | None:
    """The id of the organisation `--org` names (an id or an exact name), or None."""
    if org is None:
        return None
    try:
        with engine.connect() as connection:
            return organization_id(connection, reference=org)
    except PasserelleError as error:
        _fail(error.message)


OrgOption = Annotated[
    str | None,
    typer.Option("--org", help="The partner organisation: its HSDS id or exact name."),
]
CuratorOption = Annotated[bool, typer.Option("--curator", help="A curator (all organisations).")]
ReferrerOption = Annotated[
    bool,
    typer.Option(
        "--referrer",
        help="A social worker who may only record referral outcomes (no organisation).",
    ),
]


@token_app.command("create")
def token_create(org: OrgOption = None, curator: CuratorOption = False) -> None:
    """Create a bearer token; it is printed once, on the last line."""
    role = _role(org, curator)
    engine = _engine()
    org_id = _organization(engine, org)
    try:
        with session_scope(engine) as session:
            token_id, token = create_token(session.connection(), role=role, organization_id=org_id)
    except PasserelleError as error:
        _fail(error.message)
        return
    scope = f"organisation {org_id}" if org_id else "curator"
    typer.echo(f"Token {token_id} for {scope}. Keep it secret; it is not shown again.")
    typer.echo(token)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id.")]) -> None:
    """Revoke a token at once."""
    try:
        with session_scope(_engine()) as session:
            revoke_token(session.connection(), token_id=token_id)
    except PasserelleError as error:
        _fail(error.message)
        return
    typer.echo(f"Token {token_id} revoked.")


def _password(from_stdin: bool) -> str:
    if not from_stdin and not sys.stdin.isatty():
        _fail(
            "no password given: standard input is not a terminal, so there is no prompt; "
            "send the password on standard input with --password-stdin"
        )
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return str(password)


StdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
EmailOption = Annotated[str, typer.Option("--email", help="The person's e-mail address.")]


@user_app.command("create")
def user_create(
    email: EmailOption,
    org: OrgOption = None,
    curator: CuratorOption = False,
    referrer: ReferrerOption = False,
    password_stdin: StdinOption = False,
) -> None:
    """Create a portal account (the password is asked for, never shown)."""
    role = _user_role(org, curator, referrer)
    engine = _engine()
    org_id = _organization(engine, org)
    password = _password(password_stdin)
    try:
        with session_scope(engine) as session:
            create_user(
                session.connection(),
                email=email,
                password=password,
                role=role,
                organization_id=org_id,
            )
    except PasserelleError as error:
        _fail(error.message)
        return
    typer.echo(f"Created the {role.value} account {email.strip().lower()}.")


@user_app.command("reset")
def user_reset(email: EmailOption, password_stdin: StdinOption = False) -> None:
    """Set a new password and sign the person out everywhere."""
    password = _password(password_stdin)
    try:
        with session_scope(_engine()) as session:
            reset_password(session.connection(), email=email, password=password)
    except PasserelleError as error:
        _fail(error.message)
        return
    typer.echo(f"New password set for {email.strip().lower()}; every session was closed.")


def stale(
    months: Annotated[int, typer.Option(min=0, max=600, help="Not confirmed for this long.")] = 12,
    days: Annotated[
        int | None,
        typer.Option(min=0, max=20000, help="Not confirmed for this many days (wins over months)."),
    ] = None,
) -> None:
    """Services not confirmed for MONTHS or DAYS (or never), oldest first, with whom to ask.
    `--days 90` lists what the partners' portal reminds them of."""
    with session_scope(_engine()) as session:
        found = stale_services(
            session.connection(), months=months, days=days, today=datetime.now(UTC).date()
        )
    if not found:
        period = f"{days} days" if days is not None else f"{months} months"
        typer.echo(f"Every service was confirmed in the last {period}.")
        return
    for item in found:
        typer.echo(f"{item.assured_date or 'never'}  {item.name}  ({item.service_id})")
        typer.echo(f"    organisation: {item.organization}")
        for label, values in (("e-mail", item.emails), ("phone", item.phones)):
            if values:
                typer.echo(f"    {label}: {', '.join(values)}")
        if item.website:
            typer.echo(f"    website: {item.website}")
    typer.echo(f"{len(found)} service(s) to check.")


class CoverageFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


COVERAGE_FIELDS = ("need", "province", "province_name", "language", "active", "reachable", "fresh")


def coverage_report(
    output: Annotated[
        CoverageFormat, typer.Option("--format", help="table (a grid), csv or json (every cell).")
    ] = CoverageFormat.table,
    language: Annotated[
        list[str] | None,
        typer.Option(help="Also count per language (ISO code; repeat); the grid shows the first."),
    ] = None,
) -> None:
    """Services per need x province (and Brussels) x language: active, reachable, fresh; the
    empty and thin cells first."""
    languages = [code.strip().lower() for code in language or [] if code.strip()]
    if bad := [code for code in languages if not (code.isalpha() and 2 <= len(code) <= 3)]:
        _fail(f"--language: not a language code: {', '.join(bad)}")
    with _engine().connect() as connection:
        records = service_records(connection, include_confidential=False)
    cells = coverage(
        records, today=datetime.now(UTC).date(), places=gazetteer(), languages=languages
    )
    if output is CoverageFormat.json:
        typer.echo(json.dumps([_cell_row(cell) for cell in cells], ensure_ascii=False, indent=2))
    elif output is CoverageFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=COVERAGE_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_cell_row(cell) for cell in cells)
    else:
        _print_grid(cells, languages[0] if languages else "")


def _cell_row(cell: Cell) -> dict[str, str | int]:
    return {
        "need": cell.need,
        "province": cell.province,
        "province_name": PROVINCES[cell.province],
        "language": cell.language,
        "active": cell.active,
        "reachable": cell.reachable,
        "fresh": cell.fresh,
    }


def _print_grid(cells: list[Cell], language: str) -> None:
    """Reachable services per need (rows) and province (columns); `-` for none."""
    title = f"Reachable services speaking {language}" if language else "Reachable services"
    table = Table("need", *(code.removeprefix("BE-") for code in PROVINCES), title=title)
    for need, row in grid(cells, language).items():
        table.add_row(need, *(str(row[p].reachable or "-") for p in PROVINCES))
    console = Console(width=max(120, Console().width))
    console.print(table)
    empty = sum(1 for c in cells if c.language == language and c.level == "empty")
    thin = sum(1 for c in cells if c.language == language and c.level == "thin")
    typer.echo(f"{empty} empty and {thin} thin cells (at most one reachable service).")
    typer.echo(
        ", ".join(f"{code.removeprefix('BE-')} = {name}" for code, name in PROVINCES.items())
    )


def _print_organizations(entries: list[OrganizationEntry]) -> None:
    """A table on a terminal; elsewhere one line each, `id<TAB>name<TAB>services`, for scripts."""
    if not sys.stdout.isatty():
        for entry in entries:
            typer.echo(f"{entry.id}\t{entry.name}\t{entry.services}")
        return
    table = Table("id", "name", "services")
    for entry in entries:
        table.add_row(entry.id, entry.name, str(entry.services))
    Console().print(table)


@org_app.command("list")
def org_list(
    search: Annotated[
        str | None, typer.Option("--search", help="Only names holding WORD (any case).")
    ] = None,
) -> None:
    """Organisations with their ids (for --org), by name."""
    with _engine().connect() as connection:
        entries = list_organizations(connection, search=search)
    if not entries:
        typer.echo("No organisation found." if search else "The directory has no organisation.")
        return
    _print_organizations(entries)


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
    app.add_typer(token_app, name="token")
    app.add_typer(user_app, name="user")
    app.command("stale")(stale)
    app.command("coverage")(coverage_report)
