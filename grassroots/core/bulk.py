"""Inserting many rows of a model at once, without ``bulk_create``'s cost.

``bulk_create`` compiles every value of every row through the field's preparation chain: for an
import of a million cases that is most of the time. ``Writer`` prepares each field's conversion
once per model and sends plain value tuples: ``COPY … FROM STDIN`` on PostgreSQL, one
``executemany`` per batch on SQLite. Field defaults still come from the model (instances are
built normally); ``auto_now``/``auto_now_add`` columns get the writer's timestamp.

``Writer.insert`` numbers the rows from the table's own id sequence (PostgreSQL: ``nextval`` for
the whole block; SQLite: past the highest id, under the write lock every SQLite transaction here
holds — ``IMMEDIATE``), so it is safe beside the application's other writers. Call it inside a
transaction. A unique or foreign-key violation raises Django's ``IntegrityError``, as a save would.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

Adapter = Callable[[Any], Any]
BATCH = 2000  # rows per executemany on SQLite


def _identity(value: Any) -> Any:
    return value


class Writer:
    """Writes unsaved instances (or plain tuples) of models in bulk."""

    def __init__(self, now: Any = None) -> None:
        self.now = now or timezone.now()
        self.columns: dict[type[models.Model], list[tuple[str, str, Adapter]]] = {}

    def adapter(self, field: models.Field[Any, Any]) -> Adapter:
        """The conversion of a field's Python value to what the database driver takes."""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constant = field.get_db_prep_save(self.now, connection)
            return lambda _value: constant
        if isinstance(field, models.DateTimeField):
            return self._moment(field)
        if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
            return lambda value: value.hex if value is not None else None
        if isinstance(field, models.CharField | models.TextField | models.IntegerField | models.BooleanField):
            return _identity
        if isinstance(field, models.ForeignKey | models.FloatField | models.UUIDField):
            return _identity
        return lambda value: field.get_db_prep_save(value, connection)

    def _moment(self, field: models.DateTimeField) -> Adapter:
        """An aware datetime as the driver takes it: itself on PostgreSQL, on SQLite the text of
        the moment in the connection's time zone (what ``get_db_prep_save`` gives, without its
        checks per value); anything else goes the long way."""

        def slow(value: Any) -> Any:
            return field.get_db_prep_save(value, connection)

        if connection.vendor == "postgresql":
            return lambda value: value if value is None or value.tzinfo is not None else slow(value)
        zone = connection.timezone

        def sqlite(value: Any) -> Any:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                return str(value.astimezone(zone).replace(tzinfo=None))
            return None if value is None else slow(value)

        return sqlite

    def model_columns(self, model: type[models.Model]) -> list[tuple[str, str, Adapter]]:
        """(column, attribute, adapter) of every concrete field, prepared once per model."""
        if model not in self.columns:
            self.columns[model] = [
                (f.column or f.attname, f.attname, self.adapter(f)) for f in model._meta.concrete_fields
            ]
        return self.columns[model]

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert database-ready tuples in the order of ``columns`` (column names)."""
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The raw driver's COPY: its errors become Django's here, as a save's would.
                with (
                    connection.wrap_database_errors,
                    cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - quoted names of our own tables
                for start in range(0, len(rows), BATCH):
                    cursor.executemany(sql, rows[start : start + BATCH])

    def write_objects(self, objs: Sequence[models.Model]) -> None:
        """Insert instances of one model whose primary keys are already set."""
        if not objs:
            return
        model = type(objs[0])
        columns = self.model_columns(model)
        values_of = operator.attrgetter(*(attname for _column, attname, _adapt in columns))
        converted = [
            (i, adapt) for i, (_column, _attname, adapt) in enumerate(columns) if adapt is not _identity
        ]
        rows = []
        for obj in objs:
            values = list(values_of(obj))
            for i, adapt in converted:
                values[i] = adapt(values[i])
            rows.append(tuple(values))
        for obj in objs:
            obj._state.adding, obj._state.db = False, connection.alias
        self.write(model, [column for column, _attname, _adapt in columns], rows)

    def insert(self, objs: Sequence[models.Model]) -> None:
        """Insert unsaved instances of one model, numbered from the table's id sequence; their
        ``pk`` is set. Foreign keys must point at saved rows (write parents first)."""
        if not objs:
            return
        for obj, pk in zip(objs, next_ids(type(objs[0]), len(objs)), strict=True):
            obj.pk = pk
        self.write_objects(objs)


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``, never given to another writer."""
    table = model._meta.db_table
    column = model._meta.pk.column or "id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        # SQLite: the transaction holds the database's write lock, so nobody else numbers rows
        # until it ends. AUTOINCREMENT never reuses an id, so the sequence counts as well.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {quoted}")  # noqa: S608
        (last,) = cursor.fetchone()
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        last = max(last, cursor.fetchone()[0])
    return list(range(last + 1, last + 1 + count))
