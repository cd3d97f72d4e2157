"""Writing audit records. Every action calls ``record`` once per object it writes or reveals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Required, TypedDict, Unpack

from django.db import models

from grassroots.core import context
from grassroots.core.models import AuditAction, AuditRecord, User

SEALED = "changed"  # what the audit shows for a change of an encrypted value


def public_id(obj: models.Model) -> str:
    for attr in ("uid", "code", "number"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return str(obj.pk)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Plain values of ``fields`` (foreign keys as their ids), for diffing before and after."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, getattr(field, "attname", name))
        out[name] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
    return out


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], *, sealed: Iterable[str] = ()
) -> dict[str, Any]:
    """``{field: [old, new]}`` for changed fields; sealed (personal) fields show only that they changed."""
    sealed = set(sealed)
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = SEALED if key in sealed else [old, new]
    return changes


class Act(TypedDict, total=False):
    """An act for the audit trail: who (``actor``; None for the system), what (``action``), on which
    record (``target``, or its type, public id and label given as text), in which scope (the unit
    path it is seen under), the changes, and the purpose of a reveal."""

    actor: Required[User | None]
    action: Required[AuditAction | str]
    target: models.Model | None
    target_type: str
    target_id: str
    label: str
    scope_path: str
    changes: Mapping[str, Any] | None
    purpose: str


def entry(**act: Unpack[Act]) -> AuditRecord:
    """The audit record of an act, not yet saved (``record`` saves it; ``bulk.Writer`` many)."""
    ctx = context.current()
    actor, target = act["actor"], act.get("target")
    target_type, target_id, label = act.get("target_type", ""), act.get("target_id", ""), act.get("label", "")
    if target is not None:
        target_type = target_type or f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = target_id or public_id(target)
        label = label or str(target)
    return AuditRecord(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=str(actor) if actor is not None else ctx.source,
        action=str(act["action"]),
        target_type=target_type,
        target_id=target_id[:64],
        target_label=label[:200],
        scope_path=act.get("scope_path", ""),
        changes=dict(act.get("changes") or {}),
        purpose=act.get("purpose", "")[:300],
        source=ctx.source[:60],
        ip=ctx.ip,
        user_agent=ctx.user_agent[:200],
    )


def record(**act: Unpack[Act]) -> AuditRecord:
    """Record an act in the audit trail (who, what, on which record, in which scope)."""
    saved = entry(**act)
    saved.save(force_insert=True)
    return saved
