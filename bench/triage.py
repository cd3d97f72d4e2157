"""How fast are category suggestions? Messages per second of the triage model, against the baseline.

    .venv/bin/python bench/triage.py            # 10,000 labelled + 5,000 unlabelled (also: make bench-triage)
    .venv/bin/python bench/triage.py --help     # sizes, seed, --csv for a real labelled file

Generates synthetic Chinese requests without a database (seeded): categories with their own
vocabulary, a title of 10–25 characters and a description of 50–300 mixing category words, words
of other categories, shared filler phrases and place names (X区Y路Z小区), ~5 % of labels wrong.
Then, on one core, it times for ``grassroots.triage.model.TextModel`` and for the plain baseline
of ``grassroots.triage.evaluate.Baseline`` (character-bigram TF-IDF + LinearSVC) the same
operations: training (the model also reads the unlabelled pool, as in production; the baseline
ignores it), top-3 suggestions with the n-grams that drove them in batches, and one message at a
time (as a form asks). The model must answer held-out messages well above chance, and its batch
and single answers must agree; the command exits 1 otherwise. Goals (product requirements):
≥ 1,000 messages/s on one core, batch and single; training on 10,000 labelled messages (plus the
unlabelled pool) in < 60 s.

Common problems: ``--cluster`` messages (5,000) of which about a third are reports of planted
problems (a place, two problem words and the category's words, told differently each time, with
points within 300 m of the problem's spot), the rest unrelated messages scattered over 10 km. It
times ``grassroots.triage.grouping.group`` (the settings' defaults) and, as the baseline, DBSCAN
over the same character-bigram TF-IDF (cosine, same threshold, text only), both from raw texts, and
scores both against the plants (pairwise precision and recall, adjusted Rand index). Goal: 5,000
messages in < 10 s; the grouping must reach precision ≥ 0.85 and recall ≥ 0.6 or the command exits 1.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    # BLAS and OpenMP size their thread pools when numpy loads: one thread each, so that the run
    # measures one core (set a variable beforehand to override).
    for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_variable, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import sklearn

from bench import harness
from grassroots.triage import grouping
from grassroots.triage import text as text_mod
from grassroots.triage.evaluate import Baseline, read_csv
from grassroots.triage.model import TextModel, drivers

GOAL_RATE = 1_000  # messages/s, batch and single, one core
GOAL_TRAIN_S = 60.0  # seconds for 10,000 labelled messages plus the unlabelled pool
GOAL_TRAIN_N = 10_000
GOAL_CLUSTER_S = 10.0  # seconds to group 5,000 messages
GOAL_CLUSTER_N = 5_000


def _words(text: str) -> list[str]:
    return text.split()


# Governance terms: the seeds of each category's vocabulary (categories share some, as real ones do).
TERMS = _words(
    "噪音 扰民 垃圾 清运 路灯 损坏 停车 占道 漏水 物业 电梯 故障 供暖 燃气 绿化 违建 排水 井盖 油烟 施工 "
    "养犬 消防 通道 堵塞 广告 摊贩 污水 积水 围墙 健身 器材 快递 充电 飞线 路面 破损 公交 站台 学校 医保 "
    "社保 低保 补贴 户籍 租房 拖欠 工资 装修 邻里 纠纷 隐患 门禁 监控 水压 停水 停电 网络 信号 老人 儿童 "
    "托管 就业 培训 收费 维修 基金 业委会 垃圾桶 化粪池 下水道 人行道 斑马线 红绿灯 菜市场 农贸 餐饮 卫生 "
    "蚊虫 老鼠 树木 倒伏 积雪 结冰 排污 臭味 粉尘 渣土 车辆 夜间 广场舞 烧烤 流浪狗 车位 地下室 楼道 杂物 "
    "外墙 脱落 高空 抛物 自来水 水质 暖气 空置 拆迁 安置 补偿 征地 合同 退费 预付卡 商户 价格 食品 过期"
)
# Characters that category-specific words are made of (combined two or three at a time).
CHARS = (
    "安保便边病补部财餐测厂场车城程除储处川窗村带档道灯地点电店东洞队堆对防房费粉丰服府改盖港高工公共沟"
    "故管规锅河红湖户花华环黄活火机基集家价检建江交教街节金井景境居局具卡开看康空口块垃蓝老乐类冷里力粮"
    "林流龙楼路绿码貌门米民明南内能泥年农排盘棚平坡铺气桥青清区渠权泉燃人容山商社设生声施湿石市事收书树"
    "水税司堂塘体田厅庭通头图土团湾网维卫文屋西溪线乡项消小校新信行学压烟业医园院运站章照证政制中众住桩"
)
FILLER = _words(
    "您好 你好 最近一段时间 附近居民 每天晚上 早上六点 已经反映多次 一直没有解决 严重影响居民生活 "
    "希望有关部门尽快处理 请相关部门核实 谢谢 麻烦尽快回复 情况十分严重 存在安全隐患 居民意见很大 "
    "多次打电话 没有人管 请领导重视 特此反映 不知道该找谁 希望给个说法 上个月开始 周末也是这样 "
    "很多老人和孩子 大家都很着急 物业说不归他们管 社区说会处理 到现在还没有动静 拍了照片"
)
DISTRICTS = _words("五华区 盘龙区 官渡区 西山区 呈贡区 晋宁区 东川区 经开区 高新区 度假区")
ROADS = ("路", "街", "大道", "巷")
COMPOUNDS = ("小区", "花园", "苑", "家园", "公寓", "新村")
TITLE_ENDS = ("问题", "的问题", "严重", "需要处理", "请求解决", "无人管", "反映", "投诉", "咨询")


@dataclass(frozen=True)
class Data:
    train_texts: list[str]
    train_labels: list[str]
    unlabeled: list[str]
    test_texts: list[str]
    test_labels: list[str]
    scored: int  # the first ``scored`` test texts are the ones accuracy is measured on
    source: str


class Generator:
    """Seeded synthetic requests: ``n`` categories, each with its own words, in Zipf-like shares."""

    def __init__(self, n_categories: int, seed: int, noise: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.noise = noise
        rng = self.rng
        self.labels: list[str] = []
        self.vocab: list[list[str]] = []
        seen: set[str] = set()
        for _ in range(n_categories):
            core = rng.sample(TERMS, 5)
            label = core[0] + core[1]
            while label in seen:
                label += rng.choice(CHARS)
            seen.add(label)
            own = ["".join(rng.choices(CHARS, k=rng.choice((2, 2, 3)))) for _ in range(8)]
            self.labels.append(label)
            self.vocab.append(core + own)
        self.shares = [1.0 / (rank + 1) ** 0.8 for rank in range(n_categories)]

    def _word(self, c: int) -> str:
        words = self.vocab[c]
        # The first words of a category come up most.
        return words[min(int(self.rng.expovariate(0.25)), len(words) - 1)]

    def _place(self, short: bool = False) -> str:
        rng = self.rng
        road = "".join(rng.choices(CHARS, k=2)) + rng.choice(ROADS)
        compound = "".join(rng.choices(CHARS, k=2)) + rng.choice(COMPOUNDS)
        if short:
            return rng.choice((road, compound))
        place = f"{rng.choice(DISTRICTS)}{road}{compound}"
        if rng.random() < 0.3:
            place += f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元"
        return place

    def one(self, c: int) -> str:
        rng = self.rng
        n_title = rng.randint(10, 25)
        title = self._place(short=True) + self._word(c) + self._word(c) + rng.choice(TITLE_ENDS)
        while len(title) < n_title:
            title += self._word(c) if rng.random() < 0.5 else rng.choice(FILLER)
        n_text = min(300, max(50, int(rng.lognormvariate(4.8, 0.5))))
        parts: list[str] = []
        length = 0
        while length < n_text:
            sentence = []
            for _ in range(rng.randint(3, 6)):
                draw = rng.random()
                if draw < 0.35:
                    sentence.append(self._word(c))
                elif draw < 0.45:  # a word of another category: texts are not clean
                    sentence.append(self._word(rng.randrange(len(self.labels))))
                elif draw < 0.85:
                    sentence.append(rng.choice(FILLER))
                else:
                    sentence.append(self._place())
            parts.append("".join(sentence) + rng.choice("，，。"))
            length += len(parts[-1])
        description = "".join(parts)[: n_text - 1].rstrip("，。") + "。"
        return text_mod.join(title[:n_title], description)

    def sample(self, n: int) -> tuple[list[str], list[str]]:
        rng = self.rng
        cats = rng.choices(range(len(self.labels)), weights=self.shares, k=n)
        texts = [self.one(c) for c in cats]
        labels = [
            self.labels[rng.randrange(len(self.labels))] if rng.random() < self.noise else self.labels[c]
            for c in cats
        ]
        return texts, labels


def synthetic(n_categories: int, n_train: int, n_unlabeled: int, n_test: int, seed: int) -> Data:
    gen = Generator(n_categories, seed)
    train_texts, train_labels = gen.sample(n_train)
    unlabeled, _ = gen.sample(n_unlabeled)
    test_texts, test_labels = gen.sample(n_test)
    return Data(
        train_texts,
        train_labels,
        unlabeled,
        test_texts,
        test_labels,
        scored=n_test,
        source=f"synthetic: {n_categories} categories, seed {seed}, 5 % labels wrong",
    )


def _perturb(rng: random.Random, text: str) -> str:
    """A near-copy: ~5 % of characters dropped and the tail cut at a random point, so that a
    replicated text is not a duplicate."""
    kept = "".join(ch for ch in text if rng.random() >= 0.05)
    return kept[: max(20, int(len(kept) * rng.uniform(0.7, 1.0)))]


def _grow(rng: random.Random, texts: list[str], labels: list[str], n: int) -> tuple[list[str], list[str]]:
    """``texts`` first as they are, then perturbed copies of random ones up to ``n``."""
    out_texts, out_labels = texts[:n], labels[:n]
    while len(out_texts) < n:
        i = rng.randrange(len(texts))
        out_texts.append(_perturb(rng, texts[i]))
        out_labels.append(labels[i])
    return out_texts, out_labels


def from_csv(
    path: Path, title: str, text: str, label: str, n_train: int, n_unlabeled: int, n_test: int, seed: int
) -> Data:
    """A real labelled file: a fifth of its rows held out (accuracy is scored on them alone), the
    rest replicated with perturbations up to the training size; the unlabelled pool and the
    timed messages beyond the held-out rows are perturbed copies too."""
    data = read_csv(path, title=title, text=text, label=label)
    if len(data.texts) < 10:
        raise SystemExit(f"{path}: {len(data.texts)} labelled rows, too few")
    rng = random.Random(seed)
    order = list(range(len(data.texts)))
    rng.shuffle(order)
    cut = max(1, len(order) // 5)
    test = [data.texts[i] for i in order[:cut]], [data.labels[i] for i in order[:cut]]
    train = [data.texts[i] for i in order[cut:]], [data.labels[i] for i in order[cut:]]
    train_texts, train_labels = _grow(rng, *train, n_train)
    unlabeled = [_perturb(rng, rng.choice(train[0])) for _ in range(n_unlabeled)]
    test_texts, test_labels = _grow(rng, *test, n_test)
    return Data(
        train_texts,
        train_labels,
        unlabeled,
        test_texts,
        test_labels,
        scored=min(cut, n_test),
        source=f"{path}: {len(data.texts)} labelled rows, {len(set(data.labels))} labels, {cut} held out",
    )


class BaselineSuggester:
    """The baseline asked the same thing as the model: top ``k`` labels of each text (by SVM score:
    the baseline has no probabilities), each with the n-grams that pushed it up most, weighed and
    chosen as ``TextModel`` does."""

    def __init__(self, baseline: Baseline, explain: int = 5) -> None:
        self.vectorizer, self.svm = (step for _, step in baseline.pipeline.steps)
        self.terms = self.vectorizer.get_feature_names_out()
        self.labels = [str(label) for label in self.svm.classes_]
        coef = self.svm.coef_
        self.coef = np.vstack([-coef[0], coef[0]]) if coef.shape[0] == 1 else coef
        self.explain = explain

    def suggest(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float, list[str]]]]:
        features = self.vectorizer.transform([text_mod.normalise(t) for t in texts])
        scores = self.svm.decision_function(features)
        if scores.ndim == 1:
            scores = np.column_stack([-scores, scores])
        result = []
        for i in range(features.shape[0]):
            row = features[i]
            order = np.argsort(-scores[i])[:k]
            result.append([(self.labels[j], float(scores[i, j]), self._drivers(row, j)) for j in order])
        return result

    def _drivers(self, row: Any, label_index: int) -> list[str]:
        return drivers(row, self.coef[label_index], self.terms, self.explain)


def _top(suggestions: Sequence[Sequence[Any]]) -> list[str]:
    """The first label of each answer (a ``Suggestion`` or a baseline tuple)."""
    return [s[0].label if hasattr(s[0], "label") else s[0][0] for s in suggestions]


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def in_batches(suggest: Callable[..., Any], texts: Sequence[str], size: int) -> list[Any]:
    out: list[Any] = []
    for start in range(0, len(texts), size):
        out += suggest(texts[start : start + size], 3)
    return out


def one_by_one(suggest: Callable[..., Any], texts: Sequence[str]) -> list[Any]:
    return [suggest([t], 3)[0] for t in texts]


def pin(cpu: int | None) -> tuple[set[int] | None, str]:
    """Run on one core (the last one allowed, or ``cpu``); returns the former set to restore."""
    if not hasattr(os, "sched_setaffinity"):
        return None, "not pinned (no sched_setaffinity here)"
    before = os.sched_getaffinity(0)
    chosen = cpu if cpu is not None else max(before)
    os.sched_setaffinity(0, {chosen})
    return before, f"pinned to CPU {chosen}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--train", type=int, default=10_000, help="labelled training messages (10,000)")
    parser.add_argument("--unlabeled", type=int, default=5_000, help="unlabelled pool for the model (5,000)")
    parser.add_argument("--batch", type=int, default=5_000, help="messages suggested in batches (5,000)")
    parser.add_argument("--batch-size", type=int, default=500, help="messages per batch (500)")
    parser.add_argument("--single", type=int, default=1_000, help="messages suggested one at a time (1,000)")
    parser.add_argument("--categories", type=int, default=40, help="synthetic categories (40)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (default: the last allowed)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    parser.add_argument(
        "--min-accuracy",
        type=float,
        default=None,
        help="accuracy the model must reach on held-out messages (default: halfway from chance to 1)",
    )
    parser.add_argument("--cluster", type=int, default=5_000, help="messages grouped into problems (5,000)")
    parser.add_argument("--csv", type=Path, help="time on a real labelled CSV file instead")
    parser.add_argument("--title-column", default="留言主题")
    parser.add_argument("--text-column", default="留言详情")
    parser.add_argument("--label-column", default="一级分类")
    args = parser.parse_args(argv)

    restore, pinned = (None, "not pinned (--no-pin)") if args.no_pin else pin(args.cpu)
    try:
        return _run(args, pinned)
    finally:
        if restore is not None:
            os.sched_setaffinity(0, restore)


def _run(args: argparse.Namespace, pinned: str) -> int:
    threads = ", ".join(
        f"{v}={os.environ.get(v, 'unset')}" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    )
    print(
        f"machine: {harness.machine_line()}, scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
        f"{pinned}; {threads}"
    )
    n_test = max(args.batch, args.single)
    maker = (
        (lambda: from_csv(args.csv, args.title_column, args.text_column, args.label_column, args.train,
                          args.unlabeled, n_test, args.seed))
        if args.csv
        else (lambda: synthetic(args.categories, args.train, args.unlabeled, n_test, args.seed))
    )  # fmt: skip
    data, t_data = _timed(maker)
    chars = [len(t) for t in data.train_texts]
    print(
        f"data: {data.source}; {len(data.train_texts):,} labelled + {len(data.unlabeled):,} unlabelled "
        f"training texts ({np.mean(chars):.0f} characters on average, title twice), "
        f"{len(data.test_texts):,} held out; made in {t_data:.1f} s"
    )

    model, t_model = _timed(
        lambda: TextModel().fit(data.train_texts, data.train_labels, unlabeled=data.unlabeled)
    )
    baseline, t_base = _timed(lambda: BaselineSuggester(Baseline().fit(data.train_texts, data.train_labels)))
    print(
        f"model: {len(model.labels)} labels, {len(model.terms):,} n-grams; baseline {len(baseline.terms):,}"
    )

    warm = data.test_texts[:20]
    model.suggest(warm)
    baseline.suggest(warm)
    batch_texts = data.test_texts[: args.batch]
    single_texts = data.test_texts[: args.single]
    m_batch, tm_batch = _timed(in_batches, model.suggest, batch_texts, args.batch_size)
    b_batch, tb_batch = _timed(in_batches, baseline.suggest, batch_texts, args.batch_size)
    m_single, tm_single = _timed(one_by_one, model.suggest, single_texts)
    _, tb_single = _timed(one_by_one, baseline.suggest, single_texts)

    n_train = len(data.train_texts)
    rows = [
        (f"train  (+{len(data.unlabeled):,} unlabelled for the model)", n_train, t_model, t_base),
        (f"batch  suggest k=3, {args.batch_size}/call", len(batch_texts), tm_batch, tb_batch),
        ("single suggest k=3, 1/call", len(single_texts), tm_single, tb_single),
    ]
    print()
    header = ["operation", "messages", "model s", "model msg/s", "base s", "base msg/s", "model/base"]
    table = [
        [name, f"{n:,}", f"{tm:.2f}", f"{n / tm:,.0f}", f"{tb:.2f}", f"{n / tb:,.0f}", f"{tb / tm:.2f}"]
        for name, n, tm, tb in rows
    ]
    print(harness.format_table(header, table))
    print("(model/base: the model's speed over the baseline's; below 1, the model is slower)")

    scored = data.test_labels[: min(data.scored, len(batch_texts))]
    truth = np.array(scored)
    m_top = np.array(_top(m_batch[: len(scored)]))
    b_top = np.array(_top(b_batch[: len(scored)]))
    top3 = np.mean([label in {s.label for s in m_batch[i]} for i, label in enumerate(scored)])
    chance = max(Counter(data.train_labels).values()) / n_train
    floor = args.min_accuracy if args.min_accuracy is not None else (1 + chance) / 2
    accuracy = float(np.mean(m_top == truth)) if len(scored) else 0.0
    disagree = sum(a != b for a, b in zip(_top(m_single), _top(m_batch[: len(m_single)]), strict=True))
    print()
    print(
        f"accuracy on {len(scored):,} held-out messages: model {accuracy:.3f} (top-3 {top3:.3f}), "
        f"baseline {np.mean(b_top == truth):.3f}; chance (largest label) {chance:.3f}, required ≥ {floor:.3f}"
    )
    ok_accuracy = accuracy >= floor
    ok_agree = disagree == 0
    print(
        f"check: accuracy {'ok' if ok_accuracy else 'TOO LOW'}; single and batch answers "
        + ("agree" if ok_agree else f"DISAGREE on {disagree} messages")
    )

    def met(ok: bool) -> str:
        return "met" if ok else "MISSED"

    rate_batch, rate_single = len(batch_texts) / tm_batch, len(single_texts) / tm_single
    sizes_note = "" if n_train >= GOAL_TRAIN_N else f" (only {n_train:,} messages: not the goal's size)"
    print(
        f"goals: batch {rate_batch:,.0f}/s (≥ {GOAL_RATE:,}) {met(rate_batch >= GOAL_RATE)}; "
        f"single {rate_single:,.0f}/s (≥ {GOAL_RATE:,}) {met(rate_single >= GOAL_RATE)}; "
        f"training {t_model:.1f} s (< {GOAL_TRAIN_S:.0f}) {met(t_model < GOAL_TRAIN_S)}{sizes_note}"
    )
    ok_cluster = bench_clusters(args.cluster, args.categories, args.seed) if args.cluster else True
    return 0 if ok_accuracy and ok_agree and ok_cluster else 1


def planted(n: int, n_categories: int, seed: int) -> tuple[list[grouping.Item], list[int]]:
    """``n`` messages, a third of them reports of planted problems (truth: the problem's number,
    -1 for an unrelated message), in a shuffled order."""
    gen = Generator(n_categories, seed + 1)
    rng = gen.rng
    items: list[grouping.Item] = []
    truth: list[int] = []
    base_lat, base_lng = 25.0, 102.7
    problem = 0
    while len(items) < n // 3:
        c = rng.randrange(n_categories)
        place = gen._place()
        words = ["".join(rng.choices(CHARS, k=2)) + rng.choice(TERMS) for _ in range(2)]
        lat = base_lat + rng.uniform(0, 0.09)
        lng = base_lng + rng.uniform(0, 0.09)
        for _ in range(min(int(rng.paretovariate(1.2)) + 2, 60)):  # 3 to 60 reports
            body = gen.one(c)
            cut = rng.randrange(len(body))
            told = f"{place}{words[0]} {body[:cut]}{words[1]}{rng.choice(FILLER)}{body[cut:]}"
            # ~300 m: 0.0027° of latitude
            items.append(
                grouping.Item(told, lat + rng.uniform(-0.002, 0.002), lng + rng.uniform(-0.002, 0.002))
            )
            truth.append(problem)
        problem += 1
    while len(items) < n:
        c = rng.randrange(n_categories)
        point = (base_lat + rng.uniform(0, 0.09), base_lng + rng.uniform(0, 0.09))
        items.append(grouping.Item(gen.one(c), *point) if rng.random() < 0.7 else grouping.Item(gen.one(c)))
        truth.append(-1)
    order = list(range(len(items)))
    rng.shuffle(order)
    return [items[i] for i in order], [truth[i] for i in order]


def _pairs(labels: Sequence[int]) -> set[tuple[int, int]]:
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        if label >= 0:
            members.setdefault(label, []).append(i)
    return {(a, b) for group in members.values() for k, a in enumerate(group) for b in group[k + 1 :]}


def _scores(found: Sequence[int], truth: Sequence[int]) -> tuple[float, float, float]:
    from sklearn.metrics import adjusted_rand_score

    got, want = _pairs(found), _pairs(truth)
    precision = len(got & want) / len(got) if got else 1.0
    recall = len(got & want) / len(want) if want else 1.0

    # Unrelated messages are each their own group for the Rand index.
    def singles(labels: Sequence[int]) -> list[int]:
        return [label if label >= 0 else -(i + 2) for i, label in enumerate(labels)]

    return precision, recall, adjusted_rand_score(singles(truth), singles(found))


def _dbscan(items: Sequence[grouping.Item], threshold: float, min_size: int) -> list[int]:
    from sklearn.cluster import DBSCAN
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit_transform(
        [item.text for item in items]
    )
    return [
        int(x) for x in DBSCAN(eps=1 - threshold, min_samples=min_size, metric="cosine").fit_predict(matrix)
    ]


def bench_clusters(n: int, n_categories: int, seed: int) -> bool:
    from config import settings as config  # the defaults, read without setting Django up

    threshold, radius = config.TRIAGE_PROBLEM_MIN_SIMILARITY, config.TRIAGE_PROBLEM_RADIUS_M
    min_size = config.TRIAGE_PROBLEM_MIN_CASES
    items, truth = planted(n, n_categories, seed)
    grouping.group(items[:50], min_similarity=threshold, radius_m=radius, min_size=min_size)  # warm
    groups, t_ours = _timed(
        lambda: grouping.group(items, min_similarity=threshold, radius_m=radius, min_size=min_size)
    )
    found = [-1] * len(items)
    for k, g in enumerate(groups):
        for i in g.members:
            found[i] = k
    base, t_base = _timed(_dbscan, items, threshold, min_size)
    ours_p, ours_r, ours_ari = _scores(found, truth)
    base_p, base_r, base_ari = _scores(base, truth)
    n_planted = len({t for t in truth if t >= 0})
    print()
    print(
        f"common problems: {len(items):,} messages, {n_planted} planted problems "
        f"({sum(t >= 0 for t in truth):,} reports); threshold {threshold}, radius {radius} m, "
        f"at least {min_size} cases"
    )
    print(
        f"{'method':<34} {'seconds':>8} {'msg/s':>8} {'groups':>7} {'precision':>10} {'recall':>7} {'ARI':>6}"
    )
    print(
        f"{'grouping (stars, place, family)':<34} {t_ours:>8.2f} {len(items) / t_ours:>8,.0f} "
        f"{len(groups):>7} {ours_p:>10.3f} {ours_r:>7.3f} {ours_ari:>6.3f}"
    )
    print(
        f"{'baseline DBSCAN (cosine, text)':<34} {t_base:>8.2f} {len(items) / t_base:>8,.0f} "
        f"{len(set(base) - {-1}):>7} {base_p:>10.3f} {base_r:>7.3f} {base_ari:>6.3f}"
    )
    print(
        f"(grouping/base time ratio {t_ours / t_base:.2f}; "
        "pairs of reports of one planted problem are the truth)"
    )
    ok_speed = t_ours < GOAL_CLUSTER_S
    ok_quality = ours_p >= 0.85 and ours_r >= 0.6
    size_note = (
        "" if len(items) >= GOAL_CLUSTER_N else f" (only {len(items):,} messages: not the goal's size)"
    )
    print(
        f"goal: grouping {t_ours:.1f} s (< {GOAL_CLUSTER_S:.0f}) "
        f"{'met' if ok_speed else 'MISSED'}{size_note}; "
        f"quality {'ok' if ok_quality else 'TOO LOW'}"
    )
    return ok_quality


if __name__ == "__main__":
    raise SystemExit(main())
