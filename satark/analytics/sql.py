"""Two SQL expressions the handling figures need, on PostgreSQL and on SQLite alike.

- `Seconds(later, earlier)`: the seconds between two datetimes, as a number (PostgreSQL: ``EXTRACT(EPOCH FROM
  later - earlier)``; SQLite, which stores datetimes as ISO text: the difference of their ``julianday``).
- `Median(expr)`: the median of the non-null values (PostgreSQL: ``percentile_cont(0.5) WITHIN GROUP``;
  SQLite has no such aggregate, so `register_sqlite_median` adds one, in Python, to each new connection).

They let the database return one row of figures instead of one row per tip."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Aggregate, FloatField, Func


class Seconds(Func):
    arity = 2
    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - ",
                           **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (later, later_params), (earlier, earlier_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)", [*later_params, *earlier_params]


class Median(Aggregate):
    name = "Median"
    output_field = FloatField()
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="satark_median", template="%(function)s(%(expressions)s)",
                           **extra)


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def register_sqlite_median(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: SQLite connections get ``satark_median(x)``."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("satark_median", 1, _SqliteMedian)
