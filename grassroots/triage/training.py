"""Training the category model from the ledger's own verified triage decisions
(docs/triage.md).

A case teaches its category when someone other than the triager confirmed the matter was what
it was filed as: it was verified (``verified_at`` set) or closed solved. Duplicates are left out
(their text is another case's). Training needs ``TRIAGE_MIN_LABELLED`` such cases and at least
two categories with ``TRIAGE_MIN_PER_CATEGORY`` each; until then the catalog's keywords serve
(cold start). Categories with fewer than the minimum are left out of the model and listed.

Each training holds out a stratified 20 % (fixed seed, so a rerun on the same data gives the same
figures) to measure accuracy and macro-F1, then fits on everything and stores a new version.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from sklearn.metrics import accuracy_score, f1_score

from grassroots.cases.choices import Outcome, State
from grassroots.cases.models import Case, Category
from grassroots.org.models import Unit
from grassroots.triage import store
from grassroots.triage import text as text_mod
from grassroots.triage.model import TextModel

HOLD_OUT = 0.2
SEED = 20240501
UNLABELED_LIMIT = 20_000


@dataclass
class TrainingResult:
    """A stored ``version`` with its ``evaluation``, or ``version`` None and the ``reason``."""

    version: int | None = None
    reason: str = ""
    evaluation: dict[str, Any] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)


def labelled_cases(district: Unit) -> list[tuple[str, str]]:
    """(text, category code) of the district's verified triage decisions (module docstring)."""
    rows = (
        Case.objects.filter(district=district, category__isnull=False, duplicate_of__isnull=True)
        .filter(Q(verified_at__isnull=False) | Q(state=State.CLOSED, outcome=Outcome.SOLVED))
        .exclude(outcome=Outcome.DUPLICATE)
        .order_by("id")
        .values_list("title", "description", "category__code")
    )
    return [(text_mod.join(title, description), code) for title, description, code in rows]


def unlabeled_texts(district: Unit) -> list[str]:
    """Recent texts of the district's other cases: how common a word is in requests at large is
    known without anyone labelling them (the model's inverse document frequencies)."""
    rows = (
        Case.objects.filter(district=district, duplicate_of__isnull=True)
        .exclude(
            Q(category__isnull=False)
            & (Q(verified_at__isnull=False) | Q(state=State.CLOSED, outcome=Outcome.SOLVED))
        )
        .order_by("-id")
        .values_list("title", "description")[:UNLABELED_LIMIT]
    )
    return [text_mod.join(title, description) for title, description in rows]


def catalog_texts(district: Unit) -> list[tuple[str, str]]:
    """The catalog as training texts: each active category's names up the tree, keywords and
    examples, labelled with its code (``TextModel.fit(catalog=…)``: a voice for rare categories)."""
    texts = []
    categories = Category.objects.filter(district=district, is_active=True).select_related("parent__parent")
    for category in categories:
        names = " ".join(node.name for node in reversed(category.lineage()))
        words = " ".join(part for part in (category.keywords, category.examples) if part)
        texts.append((text_mod.normalise(f"{names} {words}"), category.code))
    return texts


def split(
    labels: Sequence[str], *, fraction: float = HOLD_OUT, seed: int = SEED
) -> tuple[list[int], list[int]]:
    """Indices to train on and to hold out: ``fraction`` of each label (at least one, and never
    all of it), chosen with a fixed seed."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    train_part: list[int] = []
    held: list[int] = []
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        n = min(len(indices) - 1, max(1, round(len(indices) * fraction)))
        held += indices[:n]
        train_part += indices[n:]
    return sorted(train_part), sorted(held)


def evaluate(model: Any, texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-category F1 of the top suggestion on ``texts``."""
    predicted = [row[0].label if row else "" for row in model.suggest(texts, k=1)]
    names = sorted(set(labels))
    per_category = f1_score(labels, predicted, labels=names, average=None, zero_division=0)
    return {
        "n": len(labels),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(
            float(f1_score(labels, predicted, labels=names, average="macro", zero_division=0)), 4
        ),
        "per_category": {name: round(float(f), 4) for name, f in zip(names, per_category, strict=True)},
    }


def train(
    district: Unit, *, now: dt.datetime | None = None, trained_by: str = "triage_train"
) -> TrainingResult:
    """Train, evaluate and store a new model version for ``district``, or say why not."""
    now = now or timezone.now()
    cases = labelled_cases(district)
    minimum, per_category = settings.TRIAGE_MIN_LABELLED, settings.TRIAGE_MIN_PER_CATEGORY
    if len(cases) < minimum:
        return TrainingResult(
            reason=_("%(n)s verified cases with a category; training needs %(minimum)s.")
            % {"n": len(cases), "minimum": minimum}
        )
    counts = Counter(label for _text, label in cases)
    kept = {label for label, n in counts.items() if n >= per_category}
    left_out = sorted(set(counts) - kept)
    if len(kept) < 2:
        return TrainingResult(
            reason=_("Fewer than two categories have %(minimum)s verified cases each.")
            % {"minimum": per_category},
            left_out=left_out,
        )
    texts = [text for text, label in cases if label in kept]
    labels = [label for _text, label in cases if label in kept]
    unlabeled = unlabeled_texts(district)
    catalog = catalog_texts(district)

    train_part, held = split(labels)
    trial = TextModel().fit(
        [texts[i] for i in train_part], [labels[i] for i in train_part], unlabeled=unlabeled, catalog=catalog
    )
    evaluation = {
        **evaluate(trial, [texts[i] for i in held], [labels[i] for i in held]),
        "n_train": len(train_part),
    }

    model = TextModel().fit(texts, labels, unlabeled=unlabeled, catalog=catalog)
    meta = {
        "created_at": now.isoformat(),
        "kind": model.kind,
        "n": len(texts),
        "n_unlabeled": len(unlabeled),
        "n_catalog": len(catalog),
        "labels": list(model.labels),
        "left_out": left_out,
        "evaluation": evaluation,
        "trained_by": trained_by,
    }
    version = store.save(district, model, meta)
    return TrainingResult(version=version, evaluation=evaluation, left_out=left_out)
