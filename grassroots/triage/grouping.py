"""Grouping similar texts into candidate common problems, without Django (docs/triage.md, "Common
problems").

Texts become character-bigram TF-IDF vectors (sublinear counts, IDF from the texts themselves,
so words every message uses — 小区, 反映, 问题 — weigh little). Two texts are *neighbours* when
their cosine is at least ``min_similarity``, and, when both have a point, they lie within
``radius_m`` of each other, and, when both have a category family, it is the same one.

Groups are stars, not chains: the text with the most neighbours not yet grouped becomes a centre
and takes those of its free neighbours, nearest first, that are *linked* (the same rules at
``LINK_SHARE`` of the threshold) to more than half the members already taken; then the next
centre; a group needs ``min_size`` members. Chaining (single linkage) would let "路灯不亮" reach
"路面破损" through a message that mentions both, and a star alone would let that message, as a
centre, take both topics; the majority rule keeps every member close to the group, not just to one
message. Then each text left over joins the group of which it is linked to more than half the
members.

Similarities are computed in blocks of rows (``BLOCK`` × n dense), so memory stays bounded for a
district's month of messages.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

BLOCK = 512
LINK_SHARE = 0.75  # members are linked to one another at this share of the centre's threshold
EARTH_RADIUS_M = 6_371_000.0
PHRASE_MAX = 8
PHRASE_SHARE = 0.5
GROW_SHARE = 0.8  # a phrase grows while this share of the members having it agree
SECOND_WEIGHT = 0.5  # a further phrase weighs at least this share of the first


@dataclass(frozen=True)
class Item:
    """One message: its text (``text.join`` of title and description), its point and the
    top-level category it is filed under, when known."""

    text: str
    lat: float | None = None
    lng: float | None = None
    family: int | None = None


@dataclass(frozen=True)
class Group:
    members: list[int]  # indices into the items, the centre first
    similarity: list[float]  # each member's cosine with the centre
    phrases: list[str]  # the group's most characteristic phrases


def _vectorise(texts: Sequence[str]) -> tuple[sparse.csr_matrix, TfidfVectorizer]:
    vectoriser = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 2), sublinear_tf=True, dtype=np.float32, lowercase=True
    )
    matrix = vectoriser.fit_transform([" ".join(text.split()) or " " for text in texts])
    return sparse.csr_matrix(matrix), vectoriser


def _radians(items: Sequence[Item]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = np.array([math.radians(i.lat) if i.lat is not None else np.nan for i in items])
    lng = np.array([math.radians(i.lng) if i.lng is not None else np.nan for i in items])
    return lat, lng, ~np.isnan(lat)


def _distance(lat: np.ndarray, lng: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Haversine distances in metres between the pairs (a[k], b[k])."""
    dp = lat[b] - lat[a]
    dl = lng[b] - lng[a]
    h = np.sin(dp / 2) ** 2 + np.cos(lat[a]) * np.cos(lat[b]) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


class _Rules:
    """The place and family rules between two items (see the module docstring)."""

    def __init__(self, items: Sequence[Item], radius_m: float) -> None:
        self.lat, self.lng, self.located = _radians(items)
        self.family = np.array([i.family if i.family is not None else -1 for i in items])
        self.radius_m = radius_m

    def hold(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ok = (self.family[a] == -1) | (self.family[b] == -1) | (self.family[a] == self.family[b])
        both = self.located[a] & self.located[b] & ok
        if both.any():
            far = _distance(self.lat, self.lng, a[both], b[both]) > self.radius_m
            idx = np.flatnonzero(both)
            ok[idx[far]] = False
        return ok


def _neighbours(matrix: sparse.csr_matrix, rules: _Rules, min_similarity: float) -> list[dict[int, float]]:
    """For each text, its neighbours and their similarity to it."""
    n = matrix.shape[0]
    result: list[dict[int, float]] = []
    transposed = matrix.T.tocsc()
    for start in range(0, n, BLOCK):
        block = (matrix[start : start + BLOCK] @ transposed).toarray()
        rows, cols = np.nonzero(block >= min_similarity)
        keep = rows + start != cols
        rows, cols = rows[keep], cols[keep]
        if rows.size:
            ok = rules.hold(rows + start, cols)
            rows, cols = rows[ok], cols[ok]
        values = block[rows, cols]
        split = np.searchsorted(rows, np.arange(block.shape[0] + 1))
        result.extend(
            dict(
                zip(
                    cols[split[k] : split[k + 1]].tolist(),
                    values[split[k] : split[k + 1]].tolist(),
                    strict=True,
                )
            )
            for k in range(block.shape[0])
        )
    return result


def _star(
    centre: int, neighbours: list[dict[int, float]], free: np.ndarray, min_similarity: float
) -> list[int]:
    """The centre and those of its free neighbours, nearest first, that are linked to more than
    half the members taken so far (the centre included)."""
    members = [centre]
    near = neighbours[centre]
    close = (j for j in near if free[j] and near[j] >= min_similarity)
    for j in sorted(close, key=lambda j: (-near[j], j)):
        linked = sum(1 for m in members if j in neighbours[m])
        if 2 * linked > len(members):
            members.append(j)
    return members


def group(items: Sequence[Item], *, min_similarity: float, radius_m: float, min_size: int = 2) -> list[Group]:
    """The groups of at least ``min_size`` similar items, largest first (module docstring)."""
    if len(items) < max(min_size, 2):
        return []
    matrix, vectoriser = _vectorise([item.text for item in items])
    rules = _Rules(items, radius_m)
    neighbours = _neighbours(matrix, rules, min_similarity * LINK_SHARE)

    def close(i: int) -> int:
        return sum(1 for j, sim in neighbours[i].items() if free[j] and sim >= min_similarity)

    free = np.ones(len(items), dtype=bool)
    # Greedy by the number of free neighbours: a popped entry whose count has fallen since it was
    # pushed goes back with its new count (lazy re-evaluation keeps this n log n).
    heap = [(-close(i), i) for i in range(len(items))]
    heap = [entry for entry in heap if -entry[0] >= min_size - 1]
    heapq.heapify(heap)
    stars: list[list[int]] = []
    while heap:
        count, centre = heapq.heappop(heap)
        if not free[centre]:
            continue
        taken = close(centre)
        if taken != -count:
            if taken >= min_size - 1:
                heapq.heappush(heap, (-taken, centre))
            continue
        members = _star(centre, neighbours, free, min_similarity)
        if len(members) < min_size:
            continue
        free[members] = False
        stars.append(members)
    if not stars:
        return []
    _attach_leftovers(stars, free, neighbours)
    stars.sort(key=lambda m: (-len(m), m[0]))
    terms = vectoriser.get_feature_names_out()
    texts = [" ".join(item.text.split()) for item in items]
    return [
        Group(
            members=m,
            similarity=[float(x) for x in (matrix[m] @ matrix[m[0]].T).toarray().ravel()],
            phrases=phrases(matrix, terms, texts, m),
        )
        for m in stars
    ]


def _attach_leftovers(stars: list[list[int]], free: np.ndarray, neighbours: list[dict[int, float]]) -> None:
    """A text left over joins the group of which it is linked to the largest share of members,
    when that share is more than half (the same rule as a star's members; a text that fell out of
    one star because another centre took its neighbours first still finds them)."""
    group_of = {member: k for k, members in enumerate(stars) for member in members}
    for j in np.flatnonzero(free):
        links = Counter(group_of[m] for m in neighbours[j] if m in group_of)
        if not links:
            continue
        best = max(links, key=lambda k: (links[k] / len(stars[k]), -k))
        if 2 * links[best] > len(stars[best]):
            stars[best].append(int(j))


def phrases(
    matrix: sparse.csr_matrix, terms: np.ndarray, texts: Sequence[str], members: Sequence[int], k: int = 2
) -> list[str]:
    """The group's ``k`` most characteristic phrases: the n-grams with the highest mean TF-IDF
    weight in the group that at least half its members contain, each grown a character at a time
    to the left and right while at least half the members, and most of those that had it, still
    contain it (so 屋顶 + 漏水 become
    屋顶漏水), without sharing a character pair with an earlier phrase."""
    weights = np.asarray(matrix[list(members)].mean(axis=0)).ravel()
    member_texts = [texts[i] for i in members]
    need = max(2, math.ceil(PHRASE_SHARE * len(member_texts)))
    chosen: list[str] = []
    order = np.argsort(-weights)[:200]
    floor = weights[order[0]] * SECOND_WEIGHT if order.size else 0.0
    for index in order:
        if weights[index] <= 0 or len(chosen) == k or (chosen and weights[index] < floor):
            break
        gram = str(terms[index])
        if not all(map(_word_char, gram)) or any(gram in phrase for phrase in chosen):
            continue
        if sum(gram in t for t in member_texts) < need:
            continue
        phrase = _grow(gram, member_texts, need)
        if _bigrams(phrase) & set().union(*map(_bigrams, chosen)):
            continue
        chosen.append(phrase)
    return chosen


def _grow(phrase: str, texts: Sequence[str], need: int) -> str:
    having = sum(phrase in text for text in texts)
    while len(phrase) < PHRASE_MAX:
        after: Counter[str] = Counter()
        before: Counter[str] = Counter()
        for text in texts:
            seen_after, seen_before = set(), set()
            start = text.find(phrase)
            while start != -1:
                end = start + len(phrase)
                if end < len(text):
                    seen_after.add(text[end])
                if start > 0:
                    seen_before.add(text[start - 1])
                start = text.find(phrase, start + 1)
            after.update(seen_after)
            before.update(seen_before)
        options = [(n, phrase + c) for c, n in after.most_common(1) if _word_char(c)]
        options += [(n, c + phrase) for c, n in before.most_common(1) if _word_char(c)]
        if not options:
            break
        count, longer = max(options)
        if count < need or count < GROW_SHARE * having:
            break
        phrase, having = longer, count
    return phrase


def _bigrams(phrase: str) -> set[str]:
    return {phrase[i : i + 2] for i in range(len(phrase) - 1)}


def _word_char(char: str) -> bool:
    return char.isalnum()
