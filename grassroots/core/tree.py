"""Materialised-path trees (the unit tree, the party organisation tree).

Each node stores ``path``: the concatenation of its ancestors' and its own segment, where a
segment is the node's primary key in base 36, zero-padded to ``SEGMENT`` characters. The path of
a subtree's root is therefore a prefix of every path in the subtree, so "everything under X" is
one index range scan, at any depth and at city scale (tens of thousands of units), with no
recursive query. A parent foreign key is kept beside the path so that names can be unique per
parent in the database.

``field__subtree=path`` is the lookup for "in the subtree rooted at path" (root included). On
PostgreSQL it is ``LIKE 'prefix%'``, served by the ``varchar_pattern_ops`` index Django creates
for indexed text columns; on SQLite, whose LIKE cannot use a binary-collated index, it is the
equivalent range ``>= prefix AND < prefix || '~'`` (paths use only 0-9A-Z, which sort below ``~``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from typing import Any, Self

from django.db import models
from django.db.models import F, Lookup, Value
from django.db.models.functions import Concat, Substr

SEGMENT = 7  # 36**7 ≈ 7.8e10 ids
_ALPHABET = string.digits + string.ascii_uppercase
_PATH_RE = re.compile(r"^[0-9A-Z]*$")


def segment(pk: int) -> str:
    if pk <= 0:
        raise ValueError("a tree node needs a saved primary key")
    out = []
    while pk:
        pk, digit = divmod(pk, 36)
        out.append(_ALPHABET[digit])
    text = "".join(reversed(out))
    if len(text) > SEGMENT:
        raise ValueError("primary key too large for a path segment")
    return text.rjust(SEGMENT, "0")


def pks_of(path: str) -> list[int]:
    """Primary keys along a path, root first."""
    return [int(path[i : i + SEGMENT], 36) for i in range(0, len(path), SEGMENT)]


class PathField(models.CharField):
    """A materialised path; supports the ``subtree`` lookup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


@PathField.register_lookup
class Subtree(Lookup):
    lookup_name = "subtree"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = self.rhs
        if not isinstance(prefix, str) or not _PATH_RE.match(prefix):
            raise ValueError(f"subtree lookup needs a path string, got {prefix!r}")
        if connection.vendor == "postgresql":
            return f"{lhs} LIKE %s", (*lhs_params, prefix + "%")
        return f"({lhs} >= %s AND {lhs} < %s)", (*lhs_params, prefix, *lhs_params, prefix + "~")


class PathNode(models.Model):
    """Abstract node of a materialised-path tree. Create nodes with ``add_node``/``add_nodes``."""

    # Concrete trees declare ``parent = ForeignKey("self", …, related_name="children")`` themselves,
    # so that type checkers see a parent of the concrete class.
    parent: Any
    path = PathField()
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    # -- reading ------------------------------------------------------------------------------
    def is_ancestor_of(self, other: PathNode, *, include_self: bool = True) -> bool:
        if not other.path.startswith(self.path):
            return False
        return include_self or other.path != self.path

    def ancestor_pks(self, *, include_self: bool = False) -> list[int]:
        pks = pks_of(self.path)
        return pks if include_self else pks[:-1]

    def ancestors(self, *, include_self: bool = False) -> models.QuerySet[Self]:
        return (
            type(self)
            ._default_manager.filter(pk__in=self.ancestor_pks(include_self=include_self))
            .order_by("depth")
        )

    def descendants(self, *, include_self: bool = False) -> models.QuerySet[Self]:
        qs = type(self)._default_manager.filter(path__subtree=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    # -- writing (called from the owning app's actions) ------------------------------------------
    @classmethod
    def add_node(cls, node: Self) -> Self:
        """Save a new node and give it its path (two statements; call inside a transaction)."""
        node.path = ""
        node.depth = node.parent.depth + 1 if node.parent else 0
        node.save()
        node.path = (node.parent.path if node.parent else "") + segment(node.pk)
        type(node)._default_manager.filter(pk=node.pk).update(path=node.path)
        return node

    @classmethod
    def add_nodes(cls, nodes: Sequence[Self], *, batch_size: int = 2000) -> list[Self]:
        """Bulk-create nodes whose parents are already saved; used by importers and the demo."""
        for node in nodes:
            node.path = ""
            node.depth = node.parent.depth + 1 if node.parent else 0
        created = cls._default_manager.bulk_create(nodes, batch_size=batch_size)
        for node in created:
            node.path = (node.parent.path if node.parent else "") + segment(node.pk)
        cls._default_manager.bulk_update(created, ["path"], batch_size=batch_size)
        return list(created)

    def move_under(self, new_parent: Self | None) -> None:
        """Re-hang this subtree under ``new_parent``; every descendant path changes in one UPDATE."""
        if new_parent is not None and self.is_ancestor_of(new_parent):
            raise ValueError("a node cannot be moved under itself or its own descendant")
        old_path = self.path
        new_path = (new_parent.path if new_parent else "") + segment(self.pk)
        depth_delta = (new_parent.depth + 1 if new_parent else 0) - self.depth
        manager = type(self)._default_manager
        manager.filter(pk=self.pk).update(parent=new_parent)
        manager.filter(path__subtree=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField()),
            depth=F("depth") + depth_delta,
        )
        self.parent = new_parent
        self.path = new_path
        self.depth += depth_delta


def subtree_q(field: str, paths: Iterable[str]) -> models.Q:
    """``Q`` matching rows whose ``field`` path lies under any of ``paths`` (no paths → nothing).

    Paths under another given path are dropped first, so a user with posts at a community and at
    one of its grids costs one range, not two.
    """
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    if not roots:
        return models.Q(pk__in=[])
    q = models.Q()
    for root in roots:
        q |= models.Q(**{f"{field}__subtree": root})
    return q


def common_ancestor_path(paths: Iterable[str]) -> str:
    """The path of the deepest node containing every node of ``paths`` ("" when they share no root)."""
    common: str | None = None
    for path in paths:
        if common is None:
            common = path
            continue
        while not path.startswith(common):
            common = common[:-SEGMENT]
    return common or ""
