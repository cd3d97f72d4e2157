"""The category model: learns labels from words, explains a suggestion by the n-grams that drove
it, lends the catalog's texts only to labels it has seen, pickles, and is never evaluated on texts
it was given as unlabelled."""

from __future__ import annotations

import pickle
import random

import numpy as np

from grassroots.triage.evaluate import Extra
from grassroots.triage.model import TextModel

WORDS = {
    "roads": ["路面塌陷", "井盖缺失", "红绿灯故障", "道路积水"],
    "wages": ["拖欠工资", "社保断缴", "加班费", "劳动合同"],
    "noise": ["噪音扰民", "广场舞", "装修噪音", "夜间施工"],
}


def corpus(n, seed):
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = list(WORDS)[i % 3]
        texts.append(f"{rng.choice(WORDS[label])} {rng.choice(WORDS[label])} 请尽快处理，谢谢")
        labels.append(label)
    return texts, labels


def test_it_learns_the_labels_and_says_which_words_drove_them():
    texts, labels = corpus(60, seed=1)
    model = TextModel().fit(texts, labels)
    [first, *rest] = model.suggest(["我们小区门口的井盖缺失了，很危险"], k=3)[0]
    assert first.label == "roads"
    assert first.confidence > max(s.confidence for s in rest)
    assert {s.label for s in rest} == {"wages", "noise"}
    assert any(word in "井盖缺失" for word in first.words)
    assert all(len(word) >= 2 for word in first.words)
    held_texts, held_labels = corpus(30, seed=2)
    correct = sum(p == t for p, t in zip(model.predict(held_texts), held_labels, strict=True))
    assert correct >= 27  # chance is 10 of 30


def test_the_catalog_speaks_only_for_labels_the_ledger_has():
    texts, labels = corpus(30, seed=3)
    model = TextModel().fit(texts, labels, catalog=[("占道经营 流动摊贩", "stalls"), ("窨井 路灯", "roads")])
    assert model.labels == ["noise", "roads", "wages"]


def test_a_model_survives_pickling():
    texts, labels = corpus(30, seed=4)
    model = TextModel().fit(texts, labels)
    again = pickle.loads(pickle.dumps(model))  # noqa: S301 (its own bytes)
    assert again.suggest(["拖欠工资三个月"]) == model.suggest(["拖欠工资三个月"])


def test_texts_under_evaluation_are_taken_out_of_the_unlabelled_ones():
    extra = Extra(unlabeled=["a", "b", "a", "c"], catalog=[("x", "y")])
    assert extra.without(["b"]) == Extra(unlabeled=["a", "c"], catalog=[("x", "y")])


def test_its_fast_probabilities_are_scikit_learns():
    texts, labels = corpus(45, seed=5)
    model = TextModel().fit(texts, labels)
    features = model._features(["拖欠工资三个月", "井盖缺失", "晚上广场舞噪音", "你好"])
    assert model._calibrated is not None
    fast = model._calibrated.predict_proba(features)
    assert np.allclose(fast, model.classifier.predict_proba(features), atol=1e-6)
    assert np.allclose(fast.sum(axis=1), 1.0)
