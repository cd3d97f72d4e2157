"""Text as the models read it: whitespace normalised (the sources pad with tabs and literal ``\\t``),
cut into words by jieba. jieba's dictionary loads once per process, on first use (about a second)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

import jieba

_SPACE = re.compile(r"(?:\\t|\\n|\s)+")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_lock = threading.Lock()
_ready = False


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def join(title: str, description: str) -> str:
    """One text from a case's title and description; the title, short and chosen by the writer,
    says the matter most plainly, so it is given twice the weight."""
    title, description = normalise(title), normalise(description)
    return f"{title} {title} {description}".strip()


def _load() -> None:
    global _ready
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _ready = True


def words(text: str) -> list[str]:
    """The words of ``text`` (jieba, precise mode), without spaces and punctuation."""
    if not _ready:
        _load()
    return [w for w in jieba.lcut(text) if w.strip() and not _PUNCT_ONLY.match(w)]


def all_words(texts: Iterable[str]) -> list[list[str]]:
    return [words(text) for text in texts]
