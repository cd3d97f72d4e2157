"""The category model: from a request's text, the likeliest categories with a confidence and the
words that drove each suggestion.

Features are TF-IDF weights of character 1–3-grams of the text (the title counted twice: short
and chosen by the writer, it names the matter most plainly). Character n-grams need no word
segmentation, so they hold up where a segmenter cuts badly (place names, new words, typos); on
the development set jieba words added nothing beside them and cost most of the time.

Three choices carry most of the accuracy (docs/triage.md has the measurements):

- the vocabulary and the inverse document frequencies come from the labelled texts *and* from
  unlabelled ones (``unlabeled``: the ledger's other requests): how rare an n-gram is among
  requests at large is known without anyone labelling them, and it keeps the rare ones that
  labelled data alone would drop (terms in fewer than ``min_df`` texts are dropped);
- the classifier is a linear SVM with balanced class weights, so that rare categories are not
  drowned by common ones, its scores turned into probabilities by sigmoid calibration on three
  inner folds;
- the catalog itself is training data (``catalog``): each category's names, keywords and examples
  become short extra texts of that category, which gives rare categories a voice.

A model is plain data (scikit-learn objects, numpy arrays, lists) and is pickled by ``store``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.svm import LinearSVC

from grassroots.triage import text as text_mod


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float
    words: list[str] = field(default_factory=list)


def char_grams(text: str) -> list[str]:
    """Character 1-, 2- and 3-grams (as scikit-learn's ``analyzer="char"`` gives them, twice as
    fast): a module function, so that a model pickles."""
    s = text.lower()
    return [*s, *(s[i : i + 2] for i in range(len(s) - 1)), *(s[i : i + 3] for i in range(len(s) - 2))]


class TextModel:
    """``TextModel().fit(texts, labels, unlabeled=…, catalog=…)``, then ``suggest(texts, k=3)``.

    Texts are whole requests as ``text.join(title, description)`` makes them."""

    kind = "text"

    def __init__(self, *, c: float = 1.0, min_df: int = 2, explain: int = 5) -> None:
        self.c = c
        self.min_df = min_df
        self.explain = explain
        self.labels: list[str] = []

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        unlabeled: Sequence[str] = (),
        catalog: Sequence[tuple[str, str]] = (),
    ) -> TextModel:
        """``catalog``: (text, label) pairs from the catalog, used only for labels that the
        labelled texts have (a category nobody has been triaged into cannot be learnt)."""
        known = set(labels)
        extra = [(t, label) for t, label in catalog if label in known]
        texts = [text_mod.normalise(t) for t in texts] + [text_mod.normalise(t) for t, _ in extra]
        labels = [*labels, *(label for _, label in extra)]
        others = [text_mod.normalise(t) for t in unlabeled]

        vectorizer = CountVectorizer(analyzer=char_grams, dtype=np.float32)
        counts = vectorizer.fit_transform([*texts, *others]).tocsc()
        df = np.diff(counts.indptr)  # in how many texts each n-gram appears
        keep = np.flatnonzero(df >= self.min_df)
        terms = vectorizer.get_feature_names_out()[keep]
        vectorizer.vocabulary_ = {term: i for i, term in enumerate(terms)}
        self.vectorizer = vectorizer
        self.terms = np.asarray(terms, dtype=object)
        total = counts.shape[0]
        self.idf = (np.log((total + 1.0) / (df[keep] + 1.0)) + 1.0).astype(np.float32)

        features = self._weigh(counts[: len(texts)][:, keep].tocsr())
        classifier = CalibratedClassifierCV(
            LinearSVC(C=self.c, class_weight="balanced"), method="sigmoid", cv=_folds(labels)
        )
        classifier.fit(features, np.asarray(labels))
        self.classifier = classifier
        self.labels = [str(label) for label in classifier.classes_]
        self._calibrated = _Calibrated.of(classifier) if len(self.labels) > 2 else None
        # What the explanations weigh: the inner SVMs' coefficients, averaged.
        self.coef = np.mean([c.estimator.coef_ for c in classifier.calibrated_classifiers_], axis=0)
        if self.coef.shape[0] == 1:  # two labels: one row, for the second
            self.coef = np.vstack([-self.coef[0], self.coef[0]])
        return self

    def _weigh(self, counts: Any) -> Any:
        """Sublinear term frequency × IDF, each row scaled to unit length (on the sparse data in
        place: a request has a few hundred n-grams of a vocabulary of a hundred thousand)."""
        weights = sparse.csr_matrix(counts, dtype=np.float32, copy=True)
        weights.sum_duplicates()
        weights.data = (1.0 + np.log(weights.data)) * self.idf[weights.indices]
        norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        weights.data /= np.repeat(norms, np.diff(weights.indptr)).astype(np.float32)
        return weights

    def _features(self, texts: Sequence[str]) -> Any:
        return self._weigh(self.vectorizer.transform([text_mod.normalise(t) for t in texts]))

    def _probabilities(self, features: Any) -> Any:
        calibrated = getattr(self, "_calibrated", None)  # absent from models pickled before it
        if calibrated is not None:
            return calibrated.predict_proba(features)
        return self.classifier.predict_proba(features)

    def probabilities(self, texts: Sequence[str]) -> Any:
        return self._probabilities(self._features(texts))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.labels[i] for i in np.argmax(self.probabilities(texts), axis=1)]

    def suggest(self, texts: Sequence[str], k: int = 3) -> list[list[Suggestion]]:
        """The ``k`` likeliest labels of each text, each with the n-grams that pushed it up most
        (TF-IDF weight × the label's coefficient; single characters, and n-grams inside one already
        listed, left out)."""
        features = self._features(texts)
        probabilities = self._probabilities(features)
        result = []
        for i in range(features.shape[0]):
            row = features[i]
            order = np.argsort(-probabilities[i])[:k]
            result.append(
                [Suggestion(self.labels[j], float(probabilities[i, j]), self._drivers(row, j)) for j in order]
            )
        return result

    def _drivers(self, row: Any, label_index: int) -> list[str]:
        return drivers(row, self.coef[label_index], self.terms, self.explain)


def drivers(row: Any, coefficients: Any, terms: Any, n: int) -> list[str]:
    """The ``n`` n-grams of a weighted row that push a label up most (weight × the label's
    coefficient); single characters, and n-grams inside one already listed, left out."""
    contribution = row.data * coefficients[row.indices]
    chosen: list[str] = []
    for j in np.argsort(-contribution):
        if contribution[j] <= 0 or len(chosen) >= n:
            break
        term = str(terms[row.indices[j]]).strip()
        if len(term) < 2 or any(term in shown for shown in chosen):
            continue
        chosen.append(term)
    return chosen


@dataclass(frozen=True)
class _Calibrated:
    """``CalibratedClassifierCV.predict_proba`` for sigmoid-calibrated linear SVMs and three or
    more labels, as matrix products: scikit-learn calls each fold's sigmoid per label through its
    input checks, which is most of the time a form's one-request question takes. Same numbers:
    per fold, each label's decision score through its sigmoid, normalised over the labels; then
    the mean over the folds."""

    weights: list[Any]  # per fold: (features × the fold's labels)
    intercepts: list[Any]
    slopes: list[Any]  # the sigmoids' a and b, per fold and label
    offsets: list[Any]
    columns: list[Any]  # where the fold's labels sit among all labels
    n_labels: int

    @classmethod
    def of(cls, classifier: CalibratedClassifierCV) -> _Calibrated:
        classes = list(classifier.classes_)
        parts: dict[str, list[Any]] = {
            k: [] for k in ("weights", "intercepts", "slopes", "offsets", "columns")
        }
        for fold in classifier.calibrated_classifiers_:
            estimator = fold.estimator
            parts["weights"].append(np.ascontiguousarray(estimator.coef_.T, dtype=np.float64))
            parts["intercepts"].append(np.asarray(estimator.intercept_, dtype=np.float64))
            parts["slopes"].append(np.array([c.a_ for c in fold.calibrators], dtype=np.float64))
            parts["offsets"].append(np.array([c.b_ for c in fold.calibrators], dtype=np.float64))
            parts["columns"].append(np.array([classes.index(c) for c in estimator.classes_]))
        return cls(**parts, n_labels=len(classes))

    def predict_proba(self, features: Any) -> Any:
        n = features.shape[0]
        total = np.zeros((n, self.n_labels))
        for weights, intercept, slope, offset, columns in zip(
            self.weights, self.intercepts, self.slopes, self.offsets, self.columns, strict=True
        ):
            scores = np.asarray(features @ weights) + intercept
            proba = np.zeros((n, self.n_labels))
            proba[:, columns] = expit(-(slope * scores + offset))
            denominator = proba.sum(axis=1, keepdims=True)
            uniform = np.full_like(proba, 1 / self.n_labels)
            total += np.divide(proba, denominator, out=uniform, where=denominator != 0)
        return total / len(self.weights)


def _folds(labels: Sequence[str]) -> int:
    """Calibration folds: three, or fewer when the rarest label has fewer texts."""
    return max(2, min(3, min(Counter(labels).values())))
