"""The triage tests' world: the ledger's catalog with keywords, one more category, and cases
whose category was confirmed (verified), made through the actions.

    城乡建设 (大事, 区住建局) ─ 道路维修 CJ-01   路面、坑洼、井盖、塌陷
    社区事务 (小事)          ─ 楼道照明 SQ-01   楼道灯、照明、不亮
                             ─ 噪音扰民 SQ-02   噪音、扰民、吵闹
    家庭事务 (私事)          ─ 家政保洁 JT-01   保洁、家政、打扫

Toy texts are drawn from a small vocabulary per category plus words every category shares, with a
fixed seed. Models go to a temporary directory; the minimums are lowered to fit the small data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from grassroots.cases.models import Category

# The ledger's fixtures (a catalog, extra staff, cases brought to each state through the actions).
from grassroots.cases.tests.conftest import bring, everyone, ledger, report  # noqa: F401
from grassroots.triage import store

VOCABULARY = {
    "CJ-01": ["路面", "坑洼", "井盖", "塌陷", "沥青", "破损", "积水", "车辆"],
    "SQ-01": ["楼道灯", "灯泡", "不亮", "漆黑", "照明", "开关", "电线", "摔倒"],
    "SQ-02": ["噪音", "扰民", "吵闹", "装修", "广场舞", "音响", "半夜", "休息"],
    "JT-01": ["保洁", "家政", "打扫", "阿姨", "清洁", "卫生", "上门", "钟点工"],
}
PLACES = ["幸福小区", "桂苑", "集义社区", "东门巷", "三号楼", "新村"]
SHARED = ["居民", "反映", "希望", "尽快", "处理", "一直", "问题", "大家"]


@pytest.fixture(autouse=True)
def triage_settings(settings: Any, tmp_path: Path) -> Any:
    settings.TRIAGE_MODEL_DIR = tmp_path / "triage"
    settings.TRIAGE_MIN_LABELLED = 20
    settings.TRIAGE_MIN_PER_CATEGORY = 5
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.8
    settings.TRIAGE_KEEP_VERSIONS = 10
    store._cache.clear()
    return settings


def toy_text(code: str, rng: random.Random) -> tuple[str, str]:
    """(title, description) of a made-up request about category ``code``."""
    own = rng.sample(VOCABULARY[code], 3)
    shared = rng.sample(SHARED, 3)
    place = rng.choice(PLACES)
    title = f"{place}{own[0]}{shared[0]}"
    description = f"{place}{shared[1]}{own[1]}，{own[2]}，{shared[2]}。"
    return title, description


@pytest.fixture
def toy(ledger: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    w = ledger
    Category.objects.filter(pk=w.cat_road.pk).update(keywords="路面、坑洼、井盖、塌陷")
    Category.objects.filter(pk=w.cat_light.pk).update(keywords="楼道灯,照明 不亮")
    Category.objects.filter(pk=w.cat_clean.pk).update(keywords="保洁，家政、打扫")
    w.cat_noise = Category.objects.create(
        district=w.district,
        parent=w.cat_comm,
        level=2,
        code="SQ-02",
        name="噪音扰民",
        keywords="噪音、扰民、吵闹",
        examples="楼上装修声音太大，半夜还在施工。",
    )
    for name in ("cat_road", "cat_light", "cat_clean"):
        getattr(w, name).refresh_from_db()
    w.toy_categories = {"CJ-01": w.cat_road, "SQ-01": w.cat_light, "SQ-02": w.cat_noise, "JT-01": w.cat_clean}
    return w


@pytest.fixture
def teach(toy: SimpleNamespace, bring: SimpleNamespace) -> Callable[..., list[Any]]:  # noqa: F811
    """``teach(per_category, seed=…, codes=…)`` → verified cases with toy texts, made through the
    actions (registered, triaged, routed, accepted, resolved, verified)."""

    def make(per_category: int, *, seed: int = 1, codes: tuple[str, ...] = tuple(VOCABULARY)) -> list[Any]:
        rng = random.Random(seed)
        cases = []
        for code in codes:
            for _ in range(per_category):
                title, description = toy_text(code, rng)
                cases.append(
                    bring.awaiting_rating(
                        category=toy.toy_categories[code], title=title, description=description
                    )
                )
        return cases

    return make


LEAK = [
    ("幸福小区屋顶漏水", "下雨天屋顶漏水，天花板发霉"),
    ("屋顶漏水严重", "顶楼屋顶漏水好几年了，请尽快维修"),
    ("屋顶漏水没人管", "我家在六楼，屋顶漏水，墙皮都掉了"),
    ("小区屋顶漏水", "屋顶漏水，物业一直推脱"),
]
OTHERS = [
    ("路口井盖丢失", "学校门口的井盖被偷走了，很危险"),
    ("广场舞噪音扰民", "每天晚上广场舞音响太大，孩子无法学习"),
    ("公交站台破损", "站台玻璃碎了一地，没有人清理"),
]


@pytest.fixture
def leaks(ledger: SimpleNamespace, report: Any) -> list[Any]:  # noqa: F811
    """Four reports of one leaking roof from three households in grids X and Y (one a hotline
    caller known only by phone), among unrelated requests."""
    w = ledger
    people = [
        {"household": w.household_x, "reporter": w.resident_a},
        {"household": w.household_y, "reporter": w.resident_b, "actor": w.community_worker},
        {
            "household": None,
            "reporter": None,
            "reporter_kind": "on_behalf",
            "reporter_name": "张先生",
            "reporter_phone": "13800138000",
            "unit": w.grid_y,
            "actor": w.community_worker,
        },
        {"household": w.household_x, "reporter": w.resident_a},
    ]
    cases = [report(title=t, description=d, **who) for (t, d), who in zip(LEAK, people, strict=True)]
    for title, description in OTHERS:
        report(title=title, description=description)
    return cases
