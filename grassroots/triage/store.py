"""Trained category models on disk, versioned per district (docs/triage.md):

    TRIAGE_MODEL_DIR/<district code>/v<N>/model.pickle   the model
                                        /meta.json      version, created_at, kind, n, labels,
                                                        evaluation, trained_by
                                   /current             the active version's number

A version is written to a temporary directory and renamed into place, and only then does
``current`` switch (itself replaced atomically), so a reader never sees half a model. Roll-back
is switching ``current`` back: instant, nothing retrained. The last ``TRIAGE_KEEP_VERSIONS`` are
kept (and the active one, always).

Every process keeps the active model in memory and reloads it when ``current`` changes (its
content or its modification time), so a training or roll-back done by a command reaches the web
workers on their next suggestion without a restart.

Models are pickles, and unpickling runs code: they are read only from ``TRIAGE_MODEL_DIR``, which
must be writable by the application's account alone.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from grassroots.core.errors import ValidationError
from grassroots.org.models import Unit

CURRENT = "current"
MODEL_FILE = "model.pickle"
META_FILE = "meta.json"
_VERSION = re.compile(r"^v(\d+)$")

_lock = threading.Lock()
# district code → (what ``current`` said, its mtime, model, meta)
_cache: dict[str, tuple[str, int, Any, dict[str, Any]]] = {}


def district_dir(district: Unit) -> Path:
    return Path(settings.TRIAGE_MODEL_DIR) / district.code


def versions(district: Unit) -> list[dict[str, Any]]:
    """Every stored version's meta, oldest first, each with ``current`` set on the active one."""
    base = district_dir(district)
    active = current_version(district)
    result = []
    for number in _numbers(base):
        meta = _read_meta(base / f"v{number}")
        meta["version"] = number
        meta["current"] = number == active
        result.append(meta)
    return result


def current_version(district: Unit) -> int | None:
    try:
        return int((district_dir(district) / CURRENT).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def save(district: Unit, model: Any, meta: dict[str, Any]) -> int:
    """Store ``model`` as the district's next version, make it the active one, drop the oldest
    beyond ``TRIAGE_KEEP_VERSIONS``; returns the new version's number."""
    base = district_dir(district)
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=base))
    try:
        with open(staging / MODEL_FILE, "wb") as out:
            pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
        number = max(_numbers(base), default=0) + 1
        while True:
            (staging / META_FILE).write_text(
                json.dumps({**meta, "version": number}, ensure_ascii=False, indent=2, default=str)
            )
            try:
                # Renaming onto an existing (non-empty) version fails: a training running at the
                # same moment took this number, so take the next.
                staging.rename(base / f"v{number}")
                break
            except OSError:
                if not (base / f"v{number}").exists():
                    raise
                number += 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _set_current(base, number)
    _prune(base, keep=settings.TRIAGE_KEEP_VERSIONS, active=number)
    return number


def activate(district: Unit, version: int) -> None:
    """Make a stored version the active one (roll-back or roll-forward)."""
    base = district_dir(district)
    if version not in _numbers(base):
        raise ValidationError(
            {
                "version": [
                    _("There is no triage model version %(version)s for this district.")
                    % {"version": version}
                ]
            }
        )
    _set_current(base, version)


def rollback(district: Unit) -> int:
    """Activate the version stored before the active one; returns its number."""
    active = current_version(district)
    earlier = [n for n in _numbers(district_dir(district)) if active is None or n < active]
    if not earlier:
        raise ValidationError({"version": [_("There is no earlier triage model version to roll back to.")]})
    activate(district, earlier[-1])
    return earlier[-1]


def load(district: Unit) -> tuple[Any, dict[str, Any]] | None:
    """The district's active model and its meta, or None when none was trained (cold start)."""
    pointer = district_dir(district) / CURRENT
    try:
        stat = pointer.stat()
        named = pointer.read_text().strip()
    except FileNotFoundError:
        _cache.pop(district.code, None)
        return None
    cached = _cache.get(district.code)
    if cached is not None and cached[0] == named and cached[1] == stat.st_mtime_ns:
        return cached[2], cached[3]
    with _lock:
        folder = district_dir(district) / f"v{named}"
        try:
            with open(folder / MODEL_FILE, "rb") as source:
                model = pickle.load(source)  # noqa: S301 - only our own directory (module docstring)
        except FileNotFoundError:
            return None
        meta = _read_meta(folder)
        _cache[district.code] = (named, stat.st_mtime_ns, model, meta)
    return model, meta


def _numbers(base: Path) -> list[int]:
    if not base.is_dir():
        return []
    return sorted(int(m.group(1)) for p in base.iterdir() if p.is_dir() and (m := _VERSION.match(p.name)))


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        meta: dict[str, Any] = json.loads((folder / META_FILE).read_text())
    except (FileNotFoundError, ValueError):
        meta = {}
    return meta


def _set_current(base: Path, number: int) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".current-", dir=base)
    with os.fdopen(handle, "w") as out:
        out.write(f"{number}\n")
    os.replace(temporary, base / CURRENT)


def _prune(base: Path, *, keep: int, active: int) -> None:
    numbers = _numbers(base)
    for number in numbers[: max(0, len(numbers) - keep)]:
        if number != active:
            shutil.rmtree(base / f"v{number}", ignore_errors=True)
