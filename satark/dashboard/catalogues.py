"""Compiles the gettext catalogues (.po -> .mo) of every app under satark/ in pure Python (polib), so a
clean clone needs no system gettext: `python -m satark.dashboard.catalogues` (the Makefile runs it before
the demo and the tests). `--check` compiles nothing and exits 1 when a catalogue is untranslated, fuzzy
or its .mo is missing or stale. Importable without Django settings."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import polib

SATARK = Path(__file__).resolve().parent.parent


def po_files(root: Path = SATARK) -> list[Path]:
    return sorted(root.glob("*/locale/*/LC_MESSAGES/*.po"))


def compiled(po_path: Path) -> bytes:
    return bytes(polib.pofile(str(po_path)).to_binary())


def problems(po_path: Path) -> list[str]:
    """Untranslated or fuzzy entries, and a missing or stale .mo, as readable lines."""
    po = polib.pofile(str(po_path))
    found = [f"{po_path}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"{po_path}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        found.append(f"{mo_path}: missing (run `python -m satark.dashboard.catalogues`)")
    elif mo_path.read_bytes() != compiled(po_path):
        found.append(f"{mo_path}: stale, older than its .po (run `python -m satark.dashboard.catalogues`)")
    return found


def compile_all(root: Path = SATARK) -> list[Path]:
    """Writes each .mo whose bytes differ from a fresh compile; returns the ones written."""
    written = []
    for po_path in po_files(root):
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written


TRANSLATE = re.compile(r'{%\s*translate\s+(["\'])(.*?)\1')
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop"}


def used_strings(paths: list[Path]) -> set[str]:
    """The msgids of {% translate %}, {% blocktranslate %} (variables as %(name)s) and of gettext calls on a
    literal (``_``, ``gettext``, ``gettext_lazy``, ``gettext_noop``; adjacent literals joined, as Python
    joins them) in templates and Python files: a pure-Python stand-in for makemessages' extraction."""
    used: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            used |= {m[1] for m in TRANSLATE.findall(text)}
            used |= {re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body) for body in BLOCK.findall(text)}
        else:
            for node in ast.walk(ast.parse(text, filename=str(path))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_NAMES
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    used.add(node.args[0].value)
    return used


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = [line for po_path in po_files() for line in problems(po_path)]
        print("\n".join(found) or "catalogues: all translated and compiled")
        return 1 if found else 0
    for mo_path in compile_all():
        print(f"compiled {mo_path.relative_to(SATARK.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
