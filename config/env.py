"""Strict environment parsing for settings.

A bad value stops start-up with a message naming the variable; it never silently falls back
to a default. Every variable ``NAME`` may instead be given as ``NAME_FILE`` (a path whose
content is the value), which is how container secrets are usually mounted.
"""

from __future__ import annotations

import os
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(RuntimeError):
    """A setting in the environment is missing or malformed."""


def _raw(name: str) -> str | None:
    file_var = f"{name}_FILE"
    if name in os.environ and file_var in os.environ:
        raise EnvError(f"Set either {name} or {file_var}, not both.")
    if file_var in os.environ:
        path = Path(os.environ[file_var])
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvError(f"{file_var}={path} cannot be read: {exc}") from exc
    return os.environ.get(name)


def string(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise EnvError(f"{name} is required.")
        return default
    return value


def optional(name: str) -> str | None:
    value = _raw(name)
    return value or None


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def integer(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={number} is below the minimum {minimum}.")
    if maximum is not None and number > maximum:
        raise EnvError(f"{name}={number} is above the maximum {maximum}.")
    return number


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise EnvError(f"{name}={value!r} has an empty item (comma-separated, no blanks).")
    return items


def choice(name: str, default: str, options: set[str]) -> str:
    value = string(name, default)
    if value not in options:
        raise EnvError(f"{name}={value!r} must be one of {', '.join(sorted(options))}.")
    return value
