"""CSV and XLSX from a Table. Cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from .table import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What the tables themselves write with a sign: a change such as "+3 (+150%)" or "-2", harmless.
SIGNED_NUMBER = re.compile(r"[+\-]?\d+(\.\d+)?( \([+\-]?\d+%\))?")


def safe(value: float | str) -> float | str:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv(tables: Sequence[Table]) -> bytes:
    """UTF-8 with a BOM (so Excel opens Hindi correctly); several tables are separated by a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, t in enumerate(tables):
        if i:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([t.title])
        writer.writerow([safe(c) for c in t.columns])
        for row in t.all_rows():
            writer.writerow([safe(c.text) for c in row])
        for note in t.notes:
            writer.writerow([safe(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table], title: str = "") -> bytes:
    """One worksheet per table; numbers stay numbers, coarsened counts stay text ("<3")."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for t in tables:
        name = "".join(ch for ch in t.key if ch not in "[]:*?/\\")[:31] or "sheet"
        while name in used:
            name = name[:28] + str(len(used))
        used.add(name)
        ws = wb.create_sheet(name)
        ws.append([safe(t.title)])
        ws["A1"].font = Font(bold=True)
        if title:
            ws.append([safe(title)])
        ws.append([safe(c) for c in t.columns])
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for row in t.all_rows():
            ws.append([safe(c.value) for c in row])
        for note in t.notes:
            ws.append([safe(note)])
    wb.properties.creator = "Satark Mitra"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
