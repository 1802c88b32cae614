"""One neutral table shape for every aggregate: rendered as an HTML table (sortable), CSV, XLSX and PDF."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    sort: float | str = ""  # the key the sortable table (and XLSX, for numbers) uses
    numeric: bool = False
    href: str = ""
    note: str = ""  # a second, smaller line (e.g. the previous period's count)

    @property
    def value(self) -> float | str:
        """The value a spreadsheet cell gets: a number when the text is exactly that number."""
        if self.numeric and isinstance(self.sort, (int, float)) and self.text == _num_text(self.sort):
            return self.sort
        return self.text


def _num_text(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def num(n: int | float, shown: str | None = None, note: str = "") -> Cell:
    text = _num_text(n) if shown is None else shown
    # Coarsened cells sort together between zero and the smallest exact count.
    key: float = 1 if shown is not None and shown.startswith("<") else n
    return Cell(text, key, True, note=note)


def text(value: object, href: str = "") -> Cell:
    s = "" if value is None else str(value)
    return Cell(s, s.lower(), False, href=href)


@dataclass
class Table:
    key: str  # used in export file names
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    footer: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def all_rows(self) -> list[list[Cell]]:
        return [*self.rows, *self.footer]
