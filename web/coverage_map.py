"""The coverage report as a heat map: a server-drawn SVG (no script, nothing from elsewhere),
needs in rows, provinces in columns, each cell coloured by how many reachable services it has
and carrying the number itself (colour is never the only cue)."""

from collections.abc import Mapping

from markupsafe import Markup, escape

from directory.hsds.coverage_gaps import Cell

CELL_W, CELL_H = 46, 24
LABEL_W, HEAD_H = 190, 56
SHADES: tuple[tuple[int, str, str], ...] = (
    (0, "#f4c7c3", "#5c0b05"),
    (1, "#fde3a7", "#4a3000"),
    (3, "#cfe0f3", "#10243d"),
    (1_000_000, "#1d4e89", "#ffffff"),
)
"""(up to this many reachable services, fill, text colour): empty, thin, some, well covered."""


def _shade(count: int) -> tuple[str, str]:
    return next((fill, ink) for most, fill, ink in SHADES if count <= most)


def coverage_svg(
    rows: Mapping[str, Mapping[str, Cell]],
    *,
    need_names: Mapping[str, str],
    province_labels: Mapping[str, str],
    title: str,
) -> Markup:
    """The grid of `directory.hsds.coverage_gaps.grid` as an accessible SVG picture."""
    provinces = list(province_labels)
    width = LABEL_W + CELL_W * len(provinces) + 2
    height = HEAD_H + CELL_H * len(rows) + 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="coverage-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="coverage-title">{escape(title)}</title>',
    ]
    for column, province in enumerate(provinces):
        x = LABEL_W + column * CELL_W + CELL_W // 2
        parts.append(
            f'<text x="{x}" y="{HEAD_H - 8}" text-anchor="middle" font-weight="700">'
            f"{escape(province_labels[province])}</text>"
        )
    for line, (need, cells) in enumerate(rows.items()):
        y = HEAD_H + line * CELL_H
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + CELL_H - 8}" text-anchor="end">'
            f"{escape(need_names.get(need, need))}</text>"
        )
        for column, province in enumerate(provinces):
            cell = cells.get(province)
            count = cell.reachable if cell else 0
            fill, ink = _shade(count)
            x = LABEL_W + column * CELL_W
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" fill="{fill}"/>'
                f'<text x="{x + CELL_W // 2 - 1}" y="{y + CELL_H - 8}" text-anchor="middle" '
                f'fill="{ink}">{count}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
