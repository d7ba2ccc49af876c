"""How fast and small the offline gazetteer is (`directory/places.py`).

    python -m benchmarks.bench_places

Prints the file size, load time, memory held after loading (tracemalloc) next to the same names
held as plain Python dicts, and the time per lookup of each kind with its ratio to an exact name.
Figures are printed, never asserted.
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable

from directory.places.gazetteer import DEFAULT_PATH, Gazetteer, Place

LIEGE = Place("Liège", 50.6337, 5.5675, "BE", "BE-WAL", "4000", "municipality")
LOOKUPS: dict[str, Callable[[Gazetteer], object]] = {
    "resolve exact (Anvers)": lambda g: g.resolve("Anvers"),
    "resolve exact foreign (Sofia)": lambda g: g.resolve("Sofia"),
    "resolve Cyrillic (София)": lambda g: g.resolve("София"),
    "resolve postcode + name (4000 Rocourt)": lambda g: g.resolve("4000 Rocourt"),
    "resolve typo (Anwerpen)": lambda g: g.resolve("Anwerpen"),
    "resolve miss (xyzzy)": lambda g: g.resolve("xyzzy"),
    "by_postcode (B-1000)": lambda g: g.by_postcode("B-1000"),
    "suggest (Brxles)": lambda g: g.suggest("Brxles"),
    "region_named (Wallonië)": lambda g: g.region_named("Wallonië"),
    "region_of (Brussels)": lambda g: g.region_of(50.85, 4.35),
    "area_covers (province)": lambda g: g.area_covers("Province de Liège", LIEGE),
    "area_covers (municipality)": lambda g: g.area_covers("Antwerpen", LIEGE),
}


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over `repeat` calls."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def held_bytes(build: Callable[[], object]) -> tuple[int, int, object]:
    tracemalloc.start()
    built = build()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current, peak, built


def as_dicts(gazetteer: Gazetteer) -> dict[str, list[tuple[str, float, float, str]]]:
    """The naive alternative: every name -> its places as tuples of Python objects."""
    table: dict[str, list[tuple[str, float, float, str]]] = {}
    for name in gazetteer._names:
        for pair in gazetteer._pairs(name):
            place = gazetteer._pair_place(pair)
            table.setdefault(name, []).append(
                (place.name, place.latitude, place.longitude, place.country)
            )
    return table


def main() -> None:
    print(f"file: {DEFAULT_PATH.stat().st_size / 1e6:.2f} MB")
    load = timed(Gazetteer.load, repeat=5)
    current, peak, built = held_bytes(Gazetteer.load)
    assert isinstance(built, Gazetteer)
    gazetteer = built
    dict_bytes, _, _ = held_bytes(lambda: as_dicts(gazetteer))
    print(f"load: {load * 1e3:.0f} ms (median of 5)")
    print(f"memory held: {current / 1e6:.1f} MB (peak while loading {peak / 1e6:.1f} MB)")
    print(f"same names as Python dicts: {dict_bytes / 1e6:.1f} MB ({dict_bytes / current:.1f}x)")
    base = timed(lambda: LOOKUPS["resolve exact (Anvers)"](gazetteer), repeat=2000)
    print(f"\n{'lookup':42} {'us/call':>9} {'x exact':>8}")
    for label, lookup in LOOKUPS.items():
        seconds = timed(lambda lookup=lookup: lookup(gazetteer), repeat=300)  # type: ignore[misc]
        print(f"{label:42} {seconds * 1e6:9.1f} {seconds / base:8.1f}")


if __name__ == "__main__":
    main()
