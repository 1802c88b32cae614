"""Compiles the gettext catalogues (.po -> .mo) of every app under satark/ in pure Python (polib), so a
clean clone needs no system gettext: `python -m satark.dashboard.catalogues` (the Makefile runs it before
the demo and the tests). `--check` compiles nothing and exits 1 when a catalogue is untranslated, fuzzy
or its .mo is missing or stale. Importable without Django settings."""

from __future__ import annotations

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
