"""A bounded load run against a real `passerelle serve` on 127.0.0.1 (loopback only).

    python -m benchmarks.load                      # 60 s, 2 workers, temporary SQLite database
    python -m benchmarks.load --workers 4 --database-url postgresql://postgres@127.0.0.1/load
    python -m benchmarks.load --smoke              # 3 s: what the test suite runs

The database (emptied first when it is PostgreSQL: give a throw-away one) is seeded with a
synthetic directory. Then a minimal `/health` run on the same machine gives the baseline, and the
mixed run sends, from `--concurrency` clients at once:
- `match`: anonymous `POST /v1/match` when the app has it, else `/hsds/services?search=` searches;
- `hsds`: HSDS reads (a service, a page of services, a page of organizations);
- `search`: the website's `POST /search` (the form a person sends), when the app has it;
- `capacity`, `patch` (and `partner_get`, the read before a `PATCH`): when the partner API is
  there, `PATCH` with `If-Match` and capacity `PUT`s, each client on its own services, checked at
  the end: every acknowledged value must be the one stored (a lost update is counted, never
  tolerated);
- `approve`: one curator approving the changes the `PATCH`es left waiting, one every 2 s.
`benchmarks.load_probe` says where the time went: CPU seconds of the load generator, the server
and PostgreSQL, and what the database's sessions were waiting on (sampled).
Figures go to `benchmarks/results/load-<date>.json` and `.md`: throughput, p50/p99 and errors per
kind, and ratios to the `/health` baseline. No figure is asserted; errors are counted.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import text

from benchmarks.load_probe import Probe
from benchmarks.server import passerelle_env, running_server
from benchmarks.synthetic import directory
from directory.database import make_engine, session_scope, upgrade_schema
from directory.hsds.importer import import_records

RESULTS = Path(__file__).parent / "results"
SEARCH_WORDS = ("shelter", "housing", "health", "legal", "Synthetic", "help", "service 1")
NEEDS = ("housing", "emergency_shelter", "health_sexual", "legal_migration", "employment")
PLACES = ("Bruxelles", "Antwerpen", "Liège", "Gent", "Charleroi", "Namur")
UNLIMITED = "1000000/minute"


@dataclass
class Tally:
    """What one kind of request did: latencies of the answers, and every error by kind."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: int = 0
    conflicts: int = 0

    def summary(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "requests": len(ordered),
            "throughput_rps": round(len(ordered) / seconds, 1),
            "p50_ms": round(_percentile(ordered, 50) * 1000, 2),
            "p99_ms": round(_percentile(ordered, 99) * 1000, 2),
            "errors": self.errors,
            "expected_conflicts": self.conflicts,
            "statuses": dict(self.statuses),
        }


def _percentile(ordered: list[float], percent: int) -> float:
    if not ordered:
        return 0.0
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1]


@dataclass
class Partner:
    """One simulated partner client: its token and the services only it edits."""

    token: str
    service_ids: list[str]
    etags: dict[str, str] = field(default_factory=dict)
    beds: dict[str, int] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)


class Load:
    def __init__(self, base: str, service_ids: list[str], features: set[str]) -> None:
        self.base = base
        self.service_ids = service_ids
        self.features = features
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.rng = random.Random(7)
        self.waiting: dict[str, str] = {}
        """Change ids left waiting by accepted `PATCH`es, by service (the latest of each)."""

    async def timed(
        self,
        kind: str,
        send: Callable[[], Awaitable[httpx.Response]],
        expected: set[int],
        conflict: set[int] | None = None,
    ) -> httpx.Response | None:
        tally = self.tallies[kind]
        started = time.perf_counter()
        try:
            answer = await send()
        except httpx.HTTPError as error:
            tally.statuses[type(error).__name__] += 1
            tally.errors += 1
            return None
        tally.latencies.append(time.perf_counter() - started)
        tally.statuses[str(answer.status_code)] += 1
        if answer.status_code in (conflict or set()):
            tally.conflicts += 1
        elif answer.status_code not in expected:
            tally.errors += 1
        return answer

    async def search(self, client: httpx.AsyncClient) -> None:
        """The website's search form, as a browser sends it."""
        form = [
            ("place", self.rng.choice(PLACES)),
            *(("needs", need) for need in self.rng.sample(NEEDS, self.rng.randint(1, 2))),
            ("languages", self.rng.choice(("fr", "nl", "en", "ro"))),
            ("goal", self.rng.choice(("exit", "stay_safer", "undecided"))),
        ]
        body = urlencode(form)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        await self.timed(
            "search", lambda: client.post("/search", content=body, headers=headers), {200}
        )

    async def match(self, client: httpx.AsyncClient) -> None:
        if "search" in self.features and self.rng.random() < 1 / 3:
            await self.search(client)
            return
        if "match" in self.features:
            body = {
                "location": {"place": self.rng.choice(PLACES)},
                "needs": self.rng.sample(NEEDS, self.rng.randint(1, 2)),
                "languages": [self.rng.choice(("fr", "nl", "en", "ro"))],
                "goal": self.rng.choice(("exit", "stay_safer", "undecided")),
            }
            await self.timed("match", lambda: client.post("/v1/match", json=body), {200})
            return
        word = self.rng.choice(SEARCH_WORDS)
        await self.timed(
            "hsds_search", lambda: client.get("/hsds/services", params={"search": word}), {200}
        )

    async def hsds(self, client: httpx.AsyncClient) -> None:
        choice = self.rng.random()
        if choice < 0.5:
            path = f"/hsds/services/{self.rng.choice(self.service_ids)}"
        elif choice < 0.8:
            path = f"/hsds/services?page={self.rng.randint(1, 5)}&per_page=20"
        else:
            path = "/hsds/organizations?per_page=20"
        await self.timed("hsds", lambda: client.get(path), {200})

    async def edit(self, client: httpx.AsyncClient, partner: Partner) -> None:
        service_id = self.rng.choice(partner.service_ids)
        auth = {"Authorization": f"Bearer {partner.token}"}
        if self.rng.random() < 0.5:
            beds = self.rng.randint(0, 40)
            answer = await self.timed(
                "capacity",
                lambda: client.put(
                    f"/v1/partner/services/{service_id}/capacity",
                    json={"beds_available": beds},
                    headers=auth,
                ),
                {200},
            )
            if answer is not None and answer.status_code == 200:
                partner.beds[service_id] = beds
            return
        if service_id not in partner.etags:
            read = await self.timed(
                "partner_get",
                lambda: client.get(f"/v1/partner/services/{service_id}", headers=auth),
                {200},
            )
            if read is None or read.status_code != 200:
                return
            partner.etags[service_id] = read.headers["etag"]
        description = f"Load edit {self.rng.getrandbits(32):08x}"
        answer = await self.timed(
            "patch",
            lambda: client.patch(
                f"/v1/partner/services/{service_id}",
                json={"description": description},
                headers={**auth, "If-Match": partner.etags[service_id]},
            ),
            {202},
            conflict={412},
        )
        if answer is not None and answer.status_code == 202:
            partner.etags[service_id] = answer.headers["etag"]
            partner.descriptions[service_id] = description
            change_id = answer.json().get("change_id")
            if change_id:
                self.waiting[service_id] = change_id
        else:
            partner.etags.pop(service_id, None)  # read again next time

    async def curator_loop(self, deadline: float, token: str) -> None:
        """Approve one waiting change every 2 s (409 when a newer edit moved it on: expected)."""
        auth = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            while time.monotonic() + 2 < deadline:
                await asyncio.sleep(2)
                if not self.waiting:
                    continue
                service_id = self.rng.choice(sorted(self.waiting))
                path = f"/v1/curator/changes/{self.waiting.pop(service_id)}/approve"
                await self.timed(
                    "approve",
                    lambda path=path: client.post(path, headers=auth),  # type: ignore[misc]
                    {200},
                    conflict={409},
                )

    async def client_loop(self, deadline: float, partner: Partner | None) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            while time.monotonic() < deadline:
                roll = self.rng.random()
                if partner is not None and roll < 0.1:
                    await self.edit(client, partner)
                elif roll < 0.55:
                    await self.match(client)
                else:
                    await self.hsds(client)


async def health_run(base: str, seconds: float, concurrency: int) -> dict[str, Any]:
    tally = Tally()
    deadline = time.monotonic() + seconds

    async def loop() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    answer = await client.get("/health")
                except httpx.HTTPError:
                    tally.errors += 1
                    continue
                tally.latencies.append(time.perf_counter() - started)
                tally.statuses[str(answer.status_code)] += 1
                tally.errors += answer.status_code != 200

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return tally.summary(seconds)


async def lost_updates(base: str, partners: list[Partner]) -> int:
    """Acknowledged values that are not the stored ones (must be zero)."""
    lost = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for partner in partners:
            auth = {"Authorization": f"Bearer {partner.token}"}
            for service_id in set(partner.beds) | set(partner.descriptions):
                answer = await client.get(f"/v1/partner/services/{service_id}", headers=auth)
                record = answer.json()
                if service_id in partner.descriptions:
                    lost += record.get("description") != partner.descriptions[service_id]
                if service_id in partner.beds:
                    lost += _beds(record) != partner.beds[service_id]
    return lost


def _beds(record: dict[str, Any]) -> int | None:
    for attribute in record.get("attributes", []):
        if (attribute.get("taxonomy_term") or {}).get("code") == "capacity.beds_available":
            return int(attribute["value"])
    return None


def seed(database_url: str, services: int) -> list[dict[str, Any]]:
    engine = make_engine(database_url, pool=False)
    upgrade_schema(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            names = connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).scalars()
            connection.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
    records = directory(services)
    with session_scope(engine) as session:
        import_records(session.connection(), records)
    engine.dispose()
    return records


def partner_tokens(
    database_url: str, records: list[dict[str, Any]], count: int
) -> tuple[list[Partner], str]:
    """`count` partners, each with a token (`passerelle token create`, run side by side) for
    its own organisation, and a curator's token."""
    chosen = records[:count]
    scopes = [["--org", record["organization_id"]] for record in chosen] + [["--curator"]]
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "api.cli", "token", "create", *scope],
            env=passerelle_env(database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for scope in scopes
    ]
    tokens = []
    for process in running:
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            raise RuntimeError("passerelle token create failed")
        tokens.append(output.strip().splitlines()[-1])
    partners = [
        Partner(token=token, service_ids=[record["id"]])
        for record, token in zip(chosen, tokens, strict=False)
    ]
    return partners, tokens[-1]


def features_of(base: str) -> set[str]:
    paths = httpx.get(f"{base}/openapi.json", timeout=30).json()["paths"]
    found = set()
    if "/v1/match" in paths:
        found.add("match")
    if "/v1/partner/services/{service_id}/capacity" in paths:
        found.add("edit")
    if "/v1/curator/changes/{change_id}/approve" in paths:
        found.add("approve")
    if httpx.post(f"{base}/search", data={"needs": "housing"}, timeout=30).status_code == 200:
        found.add("search")
    return found


async def mixed_run(
    base: str,
    records: list[dict[str, Any]],
    partners: list[Partner],
    curator: str | None,
    args: argparse.Namespace,
) -> tuple[dict[str, Any], int]:
    load = Load(base, [record["id"] for record in records], features_of(base))
    deadline = time.monotonic() + args.seconds
    clients = [
        load.client_loop(deadline, partners[index] if index < len(partners) else None)
        for index in range(args.concurrency)
    ]
    if curator and "approve" in load.features:
        clients.append(load.curator_loop(deadline, curator))
    started = time.monotonic()
    await asyncio.gather(*clients)
    elapsed = time.monotonic() - started
    summary = {kind: tally.summary(elapsed) for kind, tally in sorted(load.tallies.items())}
    return summary, await lost_updates(base, partners)


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    database_url = args.database_url or f"sqlite:///{folder / 'load.db'}"
    records = seed(database_url, args.services)
    settings = {"rate_match": UNLIMITED, "rate_forms": UNLIMITED, "rate_login": UNLIMITED}
    log = folder / "serve.log"
    with running_server(database_url, workers=args.workers, log=log, **settings) as (base, pid):
        features = features_of(base)
        partners, curator = (
            partner_tokens(database_url, records, min(args.concurrency // 2, 4))
            if "edit" in features
            else ([], None)
        )
        asyncio.run(health_run(base, 1.0, args.workers))  # warm every worker up first
        health_probe = Probe(pid, None)
        health = asyncio.run(health_run(base, args.health_seconds, args.concurrency))
        health["where"] = health_probe.stop()
        probe = Probe(pid, args.database_url)
        mixed, lost = asyncio.run(mixed_run(base, records, partners, curator, args))
        where = probe.stop()
    total = sum(kind["requests"] for kind in mixed.values()) / args.seconds
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "config": {
            "seconds": args.seconds,
            "health_seconds": args.health_seconds,
            "workers": args.workers,
            "concurrency": args.concurrency,
            "services": args.services,
            "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
            "features": sorted(features),
        },
        "health": health,
        "mixed": mixed,
        "where": where,
        "mixed_throughput_rps": round(total, 1),
        "ratio_mixed_to_health": round(total / max(health["throughput_rps"], 0.1), 3),
        "errors": sum(kind["errors"] for kind in mixed.values()) + health["errors"],
        "lost_updates": lost,
        "server_tracebacks": log.read_text(errors="replace").count("Traceback"),
    }


def markdown(result: dict[str, Any]) -> str:
    config = result["config"]
    lines = [
        f"# Load run {result['date']}",
        "",
        f"{config['workers']} workers, {config['concurrency']} clients, {config['seconds']} s, "
        f"{config['services']} synthetic services on {config['database']}, "
        f"{result['machine']['cpus']} CPUs; features: {', '.join(config['features']) or 'none'}.",
        "",
        "| kind | requests | req/s | p50 ms | p99 ms | errors | expected 412 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = {"health (alone)": result["health"], **result["mixed"]}
    for kind, row in rows.items():
        lines.append(
            f"| {kind} | {row['requests']} | {row['throughput_rps']} | {row['p50_ms']} | "
            f"{row['p99_ms']} | {row['errors']} | {row['expected_conflicts']} |"
        )
    lines += [
        "",
        f"Mixed throughput {result['mixed_throughput_rps']} req/s = "
        f"{result['ratio_mixed_to_health']} x the `/health` baseline. "
        f"Errors: {result['errors']}. Lost updates: {result['lost_updates']}. "
        f"Server tracebacks: {result['server_tracebacks']}.",
        "",
        f"Where the time went (mixed run): {json.dumps(result['where'])}; "
        f"`/health` alone: {json.dumps(result['health']['where'])}.",
        "",
    ]
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="mixed run length")
    parser.add_argument("--health-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16, help="clients at once")
    parser.add_argument("--services", type=int, default=1000, help="synthetic services")
    parser.add_argument("--database-url", help="a throw-away database (default: temp SQLite)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    parser.add_argument("--smoke", action="store_true", help="3 s, small: for the test suite")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.health_seconds, args.services, args.concurrency = 3.0, 1.0, 100, 8
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="passerelle-load-") as folder:
        result = run(args, Path(folder))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"load-{result['date'][:10]}" + ("-smoke" if args.smoke else "")
    (args.out / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / f"{stem}.md").write_text(markdown(result))
    print(markdown(result))
    print(f"written: {args.out / stem}.json and .md")
    return 0 if result["errors"] == 0 and result["lost_updates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
