"""Evaluating the category model on labelled messages, beside a plain baseline measured in the same
run: character-bigram TF-IDF with a linear SVM.

Files are CSV with a title, a text and a label column (by default those of the 2020 TipDM
government-message set: 留言主题, 留言详情, 一级分类); either a train and a test file, or one file
cross-validated in K stratified folds. Optional unlabelled files lend the model word rarities
(never their labels: they have none), as ``TextModel.fit(unlabeled=…)`` describes.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from grassroots.triage import text as text_mod
from grassroots.triage.model import TextModel

TITLE, TEXT, LABEL = "留言主题", "留言详情", "一级分类"


class Classifier(Protocol):
    def predict(self, texts: Sequence[str]) -> Sequence[str]: ...


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    labels: list[str]


def read_csv(path: Path, *, title: str = TITLE, text: str = TEXT, label: str | None = LABEL) -> Labelled:
    """The rows of a CSV file (UTF-8, with or without BOM) as joined texts and labels; rows without
    a label are skipped when a label column is asked for."""
    texts, labels = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (title, text, label) if c and c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)}")
        for row in reader:
            value = (row.get(label) or "").strip() if label else ""
            if label and not value:
                continue
            texts.append(text_mod.join(row.get(title) or "", row.get(text) or ""))
            labels.append(value)
    if label:
        return _without_conflicts(texts, labels)
    return Labelled(texts, labels)


def _without_conflicts(texts: list[str], labels: list[str]) -> Labelled:
    """The same text under two labels teaches nothing and scores at random: both are left out."""
    seen: dict[str, set[str]] = {}
    for t, label in zip(texts, labels, strict=True):
        seen.setdefault(t, set()).add(label)
    kept = [(t, label) for t, label in zip(texts, labels, strict=True) if len(seen[t]) == 1]
    return Labelled([t for t, _ in kept], [label for _, label in kept])


def read_catalog(path: Path) -> list[tuple[str, str]]:
    """A category tree as CSV (first column the top category, the others its sub-categories, as in
    the 2020 TipDM taxonomy: 一级分类, 二级分类, 三级分类): each row a short text of its top category,
    as the product's own catalog lends its names and keywords (``TextModel.fit(catalog=…)``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return [(" ".join(c.strip() for c in row[1:] if c.strip()), row[0].strip()) for row in rows[1:] if row]


class Baseline:
    """Character bigrams, TF-IDF, a linear SVM: the plain method the model must beat."""

    def fit(self, texts: Sequence[str], labels: Sequence[str], **ignored: Any) -> Baseline:
        self.pipeline = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(2, 2)), LinearSVC())
        self.pipeline.fit([text_mod.normalise(t) for t in texts], list(labels))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(p) for p in self.pipeline.predict([text_mod.normalise(t) for t in texts])]


@dataclass
class Score:
    name: str
    truth: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    fold_f1: list[float] = field(default_factory=list)
    train_seconds: float = 0.0
    predict_seconds: float = 0.0

    def add(self, truth: Sequence[str], predicted: Sequence[str]) -> None:
        self.truth += truth
        self.predicted += predicted
        self.fold_f1.append(float(f1_score(truth, predicted, average="macro", zero_division=0)))

    @property
    def accuracy(self) -> float:
        return float(accuracy_score(self.truth, self.predicted))

    @property
    def macro_f1(self) -> float:
        """The mean of the folds' macro-F1 (one fold: that fold's)."""
        return float(np.mean(self.fold_f1))

    @property
    def per_second(self) -> float:
        return len(self.truth) / self.predict_seconds if self.predict_seconds else 0.0

    def per_class(self) -> list[tuple[str, float, float, float, int]]:
        labels = sorted(set(self.truth))
        p, r, f, n = precision_recall_fscore_support(
            self.truth, self.predicted, labels=labels, zero_division=0
        )
        return [(label, float(p[i]), float(r[i]), float(f[i]), int(n[i])) for i, label in enumerate(labels)]


Maker = Callable[[], Any]
MAKERS: dict[str, Maker] = {"model": TextModel, "baseline": Baseline}


@dataclass(frozen=True)
class Extra:
    """What the model may learn from besides the labelled training texts: unlabelled texts (with
    any text of the evaluation left out, so that nothing is learnt from the test) and the catalog."""

    unlabeled: Sequence[str] = ()
    catalog: Sequence[tuple[str, str]] = ()

    def without(self, texts: Sequence[str]) -> Extra:
        exclude = set(texts)
        return Extra([t for t in dict.fromkeys(self.unlabeled) if t not in exclude], self.catalog)


def _run(score: Score, make: Maker, train: Labelled, test: Labelled, extra: Extra) -> None:
    started = time.perf_counter()
    classifier = make().fit(train.texts, train.labels, unlabeled=extra.unlabeled, catalog=extra.catalog)
    score.train_seconds += time.perf_counter() - started
    started = time.perf_counter()
    predicted = list(classifier.predict(test.texts))
    score.predict_seconds += time.perf_counter() - started
    score.add(test.labels, predicted)


def evaluate(train: Labelled, test: Labelled, extra: Extra = Extra()) -> list[Score]:
    extra = extra.without(test.texts)
    scores = [Score(name) for name in MAKERS]
    for score in scores:
        _run(score, MAKERS[score.name], train, test, extra)
    return scores


def cross_validate(data: Labelled, folds: int, extra: Extra = Extra(), *, seed: int = 0) -> list[Score]:
    extra = extra.without(data.texts)
    scores = [Score(name) for name in MAKERS]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(data.texts, data.labels):
        train = Labelled([data.texts[i] for i in train_index], [data.labels[i] for i in train_index])
        test = Labelled([data.texts[i] for i in test_index], [data.labels[i] for i in test_index])
        for score in scores:
            _run(score, MAKERS[score.name], train, test, extra)
    return scores


def report(scores: Sequence[Score]) -> str:
    """A plain-text table: accuracy, macro-F1 (± over folds), speed, and per-class F1 side by side."""
    lines = [f"{'':<10}{'accuracy':>10}{'macro-F1':>10}{'± folds':>9}{'train s':>9}{'predict/s':>11}"]
    for s in scores:
        lines.append(
            f"{s.name:<10}{s.accuracy:>10.3f}{s.macro_f1:>10.3f}{float(np.std(s.fold_f1)):>9.3f}"
            f"{s.train_seconds:>9.1f}{s.per_second:>11.0f}"
        )
    lines += ["", "per class (F1):", f"{'':<16}" + "".join(f"{s.name:>10}" for s in scores) + f"{'n':>6}"]
    tables = [{row[0]: row for row in s.per_class()} for s in scores]
    for label, *_rest, n in scores[0].per_class():
        lines.append(f"{label:<16}" + "".join(f"{t[label][3]:>10.3f}" for t in tables) + f"{n:>6}")
    return "\n".join(lines)
