"""Category suggestions for a request being triaged or entered (docs/triage.md).

The likeliest categories of the district's catalog for a title and description, each with its
confidence, the words of the text that drove it, and what the category implies: its default
三事分流 class and responsible department, inherited up the catalog tree (docs/domain.md §3.1).
Staff always decide: a suggestion at or above ``TRIAGE_PRESELECT_CONFIDENCE`` may be pre-selected
on a form, never applied by itself.

The district's active trained model is used; before one exists, the catalog's keywords and
examples (cold start). Suggestions come from the model and the catalog only, never from case
records: the words shown are words of the text given (a model's features are counted in that
text), so nothing of a case the user cannot see is revealed. The categories offered are those
of the district the user reads in the catalog, active ones only; a model's label no longer in
the catalog is skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from grassroots.cases.catalog import categories_visible_to
from grassroots.cases.models import Category
from grassroots.org.access import AnyUser
from grassroots.org.models import Department, Unit
from grassroots.triage import store
from grassroots.triage import text as text_mod
from grassroots.triage.keywords import KeywordModel

# Labels a model offers beyond ``k``, so that skipped ones (left the catalog) can be made up for.
SPARE = 5

_keyword_models: dict[int, tuple[str, KeywordModel]] = {}


@dataclass(frozen=True)
class CategorySuggestion:
    category: Category
    confidence: float
    words: list[str] = field(default_factory=list)
    triage_class: str = ""
    department: Department | None = None
    preselect: bool = False
    source: str = ""  # the model's kind: "text" (trained) or "keywords" (cold start)


def keyword_model(district: Unit, categories: list[Category]) -> KeywordModel:
    """The cold-start model of the district's catalog, rebuilt when the catalog's terms change."""
    fingerprint = hashlib.sha1(
        repr([(c.code, c.name, c.keywords, c.examples, c.is_active) for c in categories]).encode(),
        usedforsecurity=False,
    ).hexdigest()
    cached = _keyword_models.get(district.pk)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    model = KeywordModel.from_catalog(categories)
    _keyword_models[district.pk] = (fingerprint, model)
    return model


def active_model(district: Unit, categories: list[Category]) -> Any:
    loaded = store.load(district)
    return loaded[0] if loaded is not None else keyword_model(district, categories)


def suggest_categories(
    user: AnyUser, district: Unit, title: str, description: str, k: int = 3
) -> list[CategorySuggestion]:
    """Up to ``k`` active categories of ``district`` for the text, likeliest first (module
    docstring); none for a user who does not read the district's catalog."""
    categories = list(
        categories_visible_to(user)
        .filter(district=district, is_active=True)
        .select_related("parent__parent", "department", "parent__department", "parent__parent__department")
    )
    text = text_mod.join(title, description)
    if not categories or not text:
        return []
    by_code = {category.code: category for category in categories}
    model = active_model(district, categories)
    threshold = settings.TRIAGE_PRESELECT_CONFIDENCE
    result: list[CategorySuggestion] = []
    for suggestion in model.suggest([text], k=k + SPARE)[0]:
        category = by_code.get(suggestion.label)
        if category is None or suggestion.confidence <= 0:
            continue
        result.append(
            CategorySuggestion(
                category=category,
                confidence=suggestion.confidence,
                words=list(suggestion.words),
                triage_class=category.effective_class(),
                department=category.effective_department(),
                preselect=suggestion.confidence >= threshold,
                source=model.kind,
            )
        )
        if len(result) == k:
            break
    return result
