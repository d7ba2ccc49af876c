"""The dependency direction of DESIGN.md: api → web → matcher → directory, nothing upwards."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
ALLOWED = {
    "directory": set(),
    "matcher": {"directory"},
    "web": {"matcher", "directory"},
    "api": {"web", "matcher", "directory"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_package_imports_upwards(package: str) -> None:
    for path in sorted((ROOT / package).rglob("*.py")):
        wrong = imported_packages(path) - ALLOWED[package] - {package}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_matcher_has_no_database_session_or_http() -> None:
    for path in sorted((ROOT / "matcher").rglob("*.py")):
        text = path.read_text()
        for forbidden in ("sqlalchemy", "sqlmodel", "fastapi", "starlette", "httpx"):
            assert f"import {forbidden}" not in text and f"from {forbidden}" not in text, path
