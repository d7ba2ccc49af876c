"""Every taxonomy code is spelled once, in `directory/taxonomy.py`: production code names it
through the constants there, never as a string literal."""

import ast
from pathlib import Path

from directory import taxonomy
from directory.taxonomy import KNOWN, DocumentationStatus

ROOT = Path(__file__).parent.parent.parent
PRODUCTION = ("api", "web", "matcher", "directory")
EXEMPT = (ROOT / "directory" / "taxonomy.py",)
"""The one place codes are spelled; migrations and bundled data are history and data."""


def _exempt(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return path in EXEMPT or "migrations" in parts or "bundled" in parts


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_no_production_module_spells_a_taxonomy_code() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for package in PRODUCTION
        for path in sorted((ROOT / package).rglob("*.py"))
        if not _exempt(path)
        for line, value in _string_literals(path)
        if value in KNOWN
    ]
    assert not found, "use the constants of directory/taxonomy.py:\n" + "\n".join(found)


def test_every_code_has_its_constant_and_every_constant_a_term() -> None:
    for code in KNOWN:
        assert getattr(taxonomy, code.replace(".", "_").upper()) == code
    constants = {
        value
        for name, value in vars(taxonomy).items()
        if name.isupper() and isinstance(value, str) and taxonomy.is_ours(value)
    }
    assert constants == set(KNOWN)


def test_the_residence_statuses_are_the_welcome_codes_plus_unknown() -> None:
    assert [f"welcome.{status}" for status in taxonomy.WELCOME_STATUSES] == list(
        taxonomy.codes_with_prefix("welcome")
    )
    assert set(DocumentationStatus) == {*taxonomy.WELCOME_STATUSES, DocumentationStatus.unknown}


def test_code_of_reads_an_attributes_term_and_nothing_else() -> None:
    assert taxonomy.code_of({"taxonomy_term": {"code": "need.housing"}}) == "need.housing"
    for value in ({}, {"taxonomy_term": None}, {"taxonomy_term": {"code": 3}}, None, "x"):
        assert taxonomy.code_of(value) is None


VOCABULARIES = (ROOT / "matcher" / "phrases.py", ROOT / "matcher" / "text.py")
"""The words people type ("undocumented", "no papers"): language, not the status codes."""


def test_no_production_module_spells_a_residence_status() -> None:
    statuses = {status.value for status in DocumentationStatus}
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for package in PRODUCTION
        for path in sorted((ROOT / package).rglob("*.py"))
        if not _exempt(path) and path not in VOCABULARIES
        for line, value in _string_literals(path)
        if value in statuses
    ]
    assert not found, "use directory.taxonomy.DocumentationStatus:\n" + "\n".join(found)
