"""The engine is pure: standard library only, no clock, no I/O, no user-facing literals."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1]
FORBIDDEN_STDLIB = {
    "os",
    "io",
    "sys",
    "time",
    "random",
    "secrets",
    "uuid",
    "socket",
    "subprocess",
    "pathlib",
    "shutil",
    "tempfile",
    "logging",
    "threading",
    "asyncio",
    "urllib",
    "http",
    "sqlite3",
    "pickle",
}
FORBIDDEN_CALLS = {"open", "print", "input", "eval", "exec", "__import__"}
CLOCK_ATTRIBUTES = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}
DEVANAGARI = re.compile("[\u0900-\u097f]")


def engine_files() -> list[Path]:
    files = sorted(ENGINE.glob("*.py"))
    assert {f.name for f in files} >= {"__init__.py", "types.py", "definition.py", "matching.py", "step.py"}
    return files


def imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module or "")
    return names


def test_engine_imports_only_the_standard_library() -> None:
    for path in engine_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in imported_modules(tree):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"
            assert top not in FORBIDDEN_STDLIB, f"{path.name} imports {name} (I/O, clock or randomness)"


def test_engine_has_no_io_or_clock_calls() -> None:
    for path in engine_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {node.func.id}"
            if isinstance(node.func, ast.Attribute):
                assert node.func.attr not in CLOCK_ATTRIBUTES, f"{path.name}:{node.lineno} reads a clock"


def test_engine_code_has_no_hindi_literals() -> None:
    for path in engine_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not DEVANAGARI.search(node.value), f"{path.name}:{node.lineno} has a Hindi literal"


def test_engine_files_stay_small() -> None:
    for path in engine_files():
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
