"""Cold start: category suggestions from the catalog itself, before the ledger holds enough
verified triage decisions to train on (docs/triage.md).

A category is suggested for a text by the hits of its terms in it:

- its keywords (as typed in the catalog, split on commas, Chinese commas, 、, semicolons and
  whitespace) and its name, found anywhere in the text (Chinese has no spaces, so a keyword is a
  substring, not a word), one point each;
- the words of its examples (jieba), found among the words of the text, half a point shared by
  the categories whose examples use the word (a word every example uses says nothing).

Confidences are the scores over the sum of all scores plus one: they sum to less than 1 over the
categories with hits, and a single keyword never claims certainty. The words shown are the
matched keywords and name first, then the matched example words. Labels are category codes, as
in the trained model, so callers handle both the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grassroots.cases.catalog import KEYWORD_SPLIT
from grassroots.cases.models import Category
from grassroots.triage import text as text_mod
from grassroots.triage.model import Suggestion

TERM_POINTS = 1.0
EXAMPLE_POINTS = 0.5


@dataclass(frozen=True)
class _Terms:
    label: str
    terms: tuple[str, ...]  # keywords and the name, matched as substrings
    example_words: frozenset[str]


def split_keywords(value: str) -> list[str]:
    return [word for word in KEYWORD_SPLIT.split(value or "") if word]


class KeywordModel:
    """``KeywordModel.from_catalog(categories)``, then ``suggest(texts, k=3)`` like ``TextModel``."""

    kind = "keywords"

    def __init__(self, entries: Sequence[_Terms]) -> None:
        self.entries = list(entries)
        self.labels = [entry.label for entry in self.entries]
        shared = Counter(word for entry in self.entries for word in entry.example_words)
        self.example_weight = {word: EXAMPLE_POINTS / count for word, count in shared.items()}

    @classmethod
    def from_catalog(cls, categories: Iterable[Category]) -> KeywordModel:
        """The active categories given (any level), each with its keywords, name and example words."""
        entries = []
        for category in categories:
            if not category.is_active:
                continue
            terms = dict.fromkeys(
                text_mod.normalise(term) for term in [*split_keywords(category.keywords), category.name]
            )
            example_words = frozenset(
                word for word in text_mod.words(text_mod.normalise(category.examples)) if len(word) >= 2
            )
            entries.append(_Terms(category.code, tuple(t for t in terms if t), example_words))
        return cls(entries)

    def suggest(self, texts: Sequence[str], k: int = 3) -> list[list[Suggestion]]:
        return [self._suggest_one(text_mod.normalise(text), k) for text in texts]

    def _suggest_one(self, text: str, k: int) -> list[Suggestion]:
        if not text:
            return []
        words = set(text_mod.words(text))
        scored: list[tuple[float, str, list[str]]] = []
        for entry in self.entries:
            hits = [term for term in entry.terms if term in text]
            score = TERM_POINTS * len(hits)
            for word in sorted(entry.example_words & words):
                if word not in hits and not any(word in hit for hit in hits):
                    hits.append(word)
                score += self.example_weight[word]
            if score > 0:
                scored.append((score, entry.label, hits))
        total = sum(score for score, _, _ in scored) + TERM_POINTS
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [Suggestion(label, score / total, hits) for score, label, hits in scored[:k]]
