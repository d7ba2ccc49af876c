"""The dependency direction of DESIGN.md: api → web → matcher → directory, nothing upwards."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import APP_FREE

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


def test_the_fast_inner_loop_imports_no_app_module() -> None:
    """`pytest tests/matcher tests/directory` needs no app: importing their test modules (and so
    the shared conftest) loads no `api` module. The session hook in tests/conftest.py checks the
    fixtures they use at run time."""
    modules = ["tests.conftest"] + [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for folder in APP_FREE
        for path in sorted((ROOT / "tests" / folder).rglob("*.py"))
    ]
    script = "; ".join(
        ["import importlib, sys", *(f"importlib.import_module({name!r})" for name in modules)]
        + ["print(sorted(m for m in sys.modules if m == 'api' or m.startswith('api.')))"]
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


MATCHER_MODULES = sorted(
    f"matcher.{path.stem}" for path in (ROOT / "matcher").glob("*.py") if path.stem != "__init__"
)


@pytest.mark.parametrize("module", MATCHER_MODULES)
def test_importing_the_matcher_loads_no_database_or_web_stack(module: str) -> None:
    """A fresh interpreter: what `import matcher.x` really loads, not what the file text says."""
    probe = (
        f"import sys, {module}; "
        "stacks = ('sqlalchemy', 'sqlmodel', 'fastapi'); "
        "print(','.join(sorted(m for m in stacks if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "", f"{module} loads {done.stdout.strip()}"


def test_emergency_numbers_import_nothing() -> None:
    assert imported_packages(ROOT / "directory" / "emergency_numbers.py") == set()
    tree = ast.parse((ROOT / "directory" / "emergency_numbers.py").read_text())
    assert not any(isinstance(node, ast.Import | ast.ImportFrom) for node in ast.walk(tree))


def test_no_template_spells_the_emergency_numbers() -> None:
    for path in sorted((ROOT / "web" / "templates").rglob("*.html")):
        text = path.read_text()
        assert not re.search(r"(?<![\d/.])(112|101)(?![\d/.])", text), path


MAX_MODULE_LINES = 400
"""A room small enough to read at once (issue 14); migrations are history, not rooms."""


def test_no_production_module_is_over_400_lines() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for package in sorted(ALLOWED)
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert not found, "split these modules by what they hold:\n" + "\n".join(found)
