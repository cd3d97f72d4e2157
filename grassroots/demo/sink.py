"""Fast inserts for the big tables (households, residents, care tags, party members, the city's cases).

``bulk_create`` spends most of its time compiling SQL: at city scale (1.5 million households)
that alone is several minutes. ``Sink`` is a ``core.bulk.Writer`` (value tuples, ``COPY`` on
PostgreSQL, ``executemany`` on SQLite) that numbers the rows from a block it reserved itself.

Reserving keys: inside the loader's transaction the sink reads ``MAX(id)`` once per table and
counts up from there. On SQLite the transaction holds the database's write lock; on PostgreSQL
the sink locks each table against other writers (readers are not blocked) and moves the id
sequence past the block at the end (``finish``), so rows created later by the application never
collide with the demo's.

``Sink.insert_rows`` takes plain tuples instead of instances: for the city's millions of cases
(``demo.history``) building model instances would be most of the load's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from grassroots.core.bulk import Writer


class Sink(Writer):
    """Writes unsaved instances of a few models in bulk; call ``finish`` before the transaction ends."""

    def __init__(self) -> None:
        super().__init__()
        self.next_id: dict[type[models.Model], int] = {}

    def _reserve(self, model: type[models.Model], n: int) -> int:
        if model not in self.next_id:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
            last = model._default_manager.aggregate(last=Max("pk"))["last"] or 0
            self.next_id[model] = last + 1
        first = self.next_id[model]
        self.next_id[model] += n
        return first

    def reserve(self, model: type[models.Model], n: int) -> int:
        """The first of ``n`` primary keys reserved for rows of ``model`` (for ``insert_rows``)."""
        return self._reserve(model, n)

    def insert_rows(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert plain tuples of database-ready values (strings for timestamps, ids for foreign
        keys), in the order of ``columns`` (field names, ``x_id`` for foreign keys). Give ``id``
        with keys from ``reserve``, or leave it out for the database to number the rows. The
        model's other fields get their default, the same for every row (``auto_now`` columns the
        load's timestamp). For millions of rows: no model instances are built."""
        if not rows:
            return
        fields = {f.attname: f for f in model._meta.concrete_fields}
        fields.update({f.name: f for f in model._meta.concrete_fields})
        given = [fields[name] for name in columns]
        pk = model._meta.pk
        # without ``id`` the database numbers the rows itself
        rest = [f for f in model._meta.concrete_fields if f not in given and f is not pk]
        extra = tuple(self.adapter(f)(f.get_default()) for f in rest)
        names = [f.column or f.attname for f in (*given, *rest)]
        self.write(model, names, [row + extra for row in rows] if extra else rows)

    def insert(self, objs: Sequence[models.Model]) -> None:
        """Insert unsaved instances of one model; their ``pk`` is set afterwards. Foreign keys
        must point at saved rows (write parents first)."""
        if not objs:
            return
        first = self._reserve(type(objs[0]), len(objs))
        for offset, obj in enumerate(objs):
            obj.pk = first + offset
        self.write_objects(objs)

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the reserved blocks (SQLite does this itself)."""
        if connection.vendor != "postgresql" or not self.next_id:
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.next_id)):
                cursor.execute(sql)
