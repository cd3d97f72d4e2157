"""Words the demo district is made of: people's names, place names, departments, organisations.

Surname weights are the shares (per cent) of the most common surnames in the 2020 household
registration statistics of the Ministry of Public Security (rounded; the top 100 cover about
85 % of the population, which is what the demo draws from). Given-name characters are the common
ones of three generations (born before 1960, 1960–1989, 1990 on), so that a grandmother is a
秀英 and her granddaughter a 梓涵. Place names mix those of Dongchuan (碧谷, 铜都, 集义, 桥北,
桂苑) with common Chinese place-name words.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

# (surname, share %), 2020 ranking.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.12), ("李", 7.00), ("张", 6.74), ("刘", 5.10), ("陈", 4.61), ("杨", 3.22), ("黄", 2.45),
    ("赵", 2.29), ("吴", 2.05), ("周", 1.99), ("徐", 1.57), ("孙", 1.52), ("马", 1.43), ("朱", 1.36),
    ("胡", 1.32), ("郭", 1.22), ("何", 1.17), ("林", 1.13), ("罗", 1.09), ("高", 1.07), ("郑", 0.97),
    ("梁", 0.96), ("谢", 0.88), ("宋", 0.80), ("唐", 0.79), ("许", 0.75), ("韩", 0.73), ("冯", 0.71),
    ("邓", 0.70), ("曹", 0.69), ("彭", 0.66), ("曾", 0.64), ("肖", 0.64), ("田", 0.63), ("董", 0.61),
    ("袁", 0.59), ("潘", 0.58), ("于", 0.57), ("蒋", 0.56), ("蔡", 0.55), ("余", 0.55), ("杜", 0.53),
    ("叶", 0.52), ("程", 0.50), ("苏", 0.49), ("魏", 0.48), ("吕", 0.47), ("丁", 0.46), ("任", 0.45),
    ("沈", 0.44), ("姚", 0.42), ("卢", 0.41), ("姜", 0.40), ("崔", 0.39), ("钟", 0.39), ("谭", 0.38),
    ("陆", 0.37), ("汪", 0.36), ("范", 0.35), ("金", 0.34), ("石", 0.34), ("廖", 0.33), ("贾", 0.32),
    ("夏", 0.32), ("韦", 0.31), ("付", 0.30), ("方", 0.30), ("白", 0.29), ("邹", 0.29), ("孟", 0.28),
    ("熊", 0.28), ("秦", 0.27), ("邱", 0.27), ("江", 0.26), ("尹", 0.26), ("薛", 0.25), ("闫", 0.25),
    ("段", 0.24), ("雷", 0.24), ("侯", 0.23), ("龙", 0.23), ("史", 0.22), ("陶", 0.22), ("黎", 0.21),
    ("贺", 0.21), ("顾", 0.20), ("毛", 0.20), ("郝", 0.19), ("龚", 0.19), ("邵", 0.19), ("万", 0.18),
    ("钱", 0.18), ("严", 0.17), ("覃", 0.17), ("武", 0.17), ("戴", 0.16), ("莫", 0.16), ("孔", 0.15),
    ("向", 0.15), ("汤", 0.15),
)  # fmt: skip

# Given-name characters by generation and gender: (born before 1960, 1960–1989, 1990 on).
GIVEN_CHARS: dict[str, tuple[str, str, str]] = {
    "male": (
        "建国华明德福文忠学志荣军永成贵林生海发友兴寿才祥昌和光庆云山",
        "伟强军勇磊斌涛杰鹏超刚辉明峰波平飞宏俊华东林云健文亮龙江海",
        "浩宇子轩博涵俊杰鑫磊航泽睿晨昊然一阳思文嘉铭哲诚奕辰宸锦",
    ),
    "female": (
        "秀英兰芳珍桂凤玉琼华梅淑翠花云芬莲菊仙香素春美琴",
        "丽娟敏静艳燕红霞玲芳婷梅丹萍莉娜琳雪晶慧琴秀颖倩洁",
        "欣怡梓涵雨萱诗琪佳思语彤可馨悦婷瑶晨妍一若雅梦依沫",
    ),
}
# Share of one-character given names per generation (commoner among the middle generation).
SINGLE_CHAR_SHARE = (0.25, 0.35, 0.15)

PLACE_WORDS = (
    "碧谷", "铜都", "集义", "桥北", "桂苑", "新村", "东苑", "惠民", "和谐", "兴隆", "金沙",
    "石城", "龙泉", "翠湖", "映象", "阳光", "文华", "书院", "紫云", "滨江", "花园", "春城",
    "乌龙", "拖布卡", "汤丹", "阿旺", "红土", "森林", "白泥", "落雪", "因民", "舍块", "姑海",
    "达德", "新田", "青龙", "凤凰", "锦绣", "雨花", "长安", "北门", "南门", "西街", "东街",
    "光明", "胜利", "团结", "建设", "幸福", "民主", "人和", "福康", "安康", "秀水", "碧波",
    "清泉", "云峰", "玉龙", "金鼎", "银河", "宝山", "明月", "星火", "朝阳", "晨曦", "兴隆",
    "振兴", "育才", "鸿运", "梨园", "桃源", "杏林", "荷塘", "竹林", "松柏", "枫林", "梧桐",
    "樱花", "海棠", "兰亭", "梅园", "菊苑", "莲花", "牡丹", "芙蓉", "石榴", "营盘", "马鞍",
    "狮子", "象山", "鹿鸣", "燕子", "白鹤", "鹰嘴", "龙潭", "虎跳", "牛栏", "羊街", "鸡街",
    "鱼洞", "雀山",
)  # fmt: skip
ESTATE_SUFFIXES = ("小区", "花园", "苑", "家园", "新村", "佳园", "公寓", "雅居")
VILLAGE_PREFIXES = ("大", "小", "上", "下", "中", "老", "新", "")
VILLAGE_SUFFIXES = ("村", "营村", "坝村", "箐村", "坪村", "沟村", "塘村", "田村")

# District departments (职能部门, docs/domain.md §2): (name with {d} for the district, short name, code).
# Weidu routes 38; a dozen or so is what every district has.
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("{d}民政局", "民政", "MZ"),
    ("{d}城市管理局", "城管", "CG"),
    ("{d}住房和城乡建设局", "住建", "ZJ"),
    ("市生态环境局{d}分局", "环保", "HB"),
    ("{d}公安分局", "公安", "GA"),
    ("{d}卫生健康局", "卫健", "WJ"),
    ("{d}教育体育局", "教育", "JY"),
    ("{d}交通运输局", "交通", "JT"),
    ("{d}人力资源和社会保障局", "人社", "RS"),
    ("{d}市场监督管理局", "市场监管", "SJ"),
    ("{d}水务局", "水务", "SW"),
    ("{d}应急管理局", "应急", "YJ"),
    ("{d}自然资源局", "自然资源", "ZY"),
    ("{d}农业农村局", "农业农村", "NY"),
)
# Districts of the demo city (a Kunming-like city): name and GB/T 2260 code (first six digits of
# its residents' ID numbers).
CITY_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("东川区", "530113"), ("盘龙区", "530103"), ("五华区", "530102"), ("官渡区", "530111"),
    ("西山区", "530112"), ("呈贡区", "530114"), ("晋宁区", "530115"), ("安宁区", "530181"),
    ("嵩明区", "530127"), ("宜良区", "530125"), ("富民区", "530124"), ("石林区", "530126"),
)  # fmt: skip
# Where people registered elsewhere come from: the rest of Yunnan (permanent residents) and
# neighbouring provinces (floating population).
YUNNAN_REGIONS = ("530102", "530103", "530111", "530112", "530302", "530321", "532301", "532901")
OTHER_REGIONS = ("510104", "513401", "511502", "520102", "520502", "450102", "500103", "430102")

IN_AREA_ORGS = (
    "第一中学", "实验小学", "人民医院", "供电所", "邮政支局", "电信营业部", "农商银行支行",
    "税务分局", "派出所", "消防救援站", "自来水公司营业所", "燃气公司服务站", "中心幼儿园",
    "市场监管所", "司法所", "财政所", "国土资源所", "林业站", "水务站", "文化馆分馆",
)  # fmt: skip
SOCIAL_ORGS = (
    "老年协会", "志愿者协会", "文艺队", "人民调解委员会", "红白理事会", "业主委员会",
    "妇女之家", "青年志愿服务队", "书画协会", "太极拳协会", "广场舞队", "关工委",
    "残疾人协会", "邻里互助会", "乡贤理事会",
)  # fmt: skip
SHOP_KINDS = (
    ("超市", "超市"), ("便利店", "便利店"), ("药房", "大药房"), ("餐饮", "小吃店"), ("餐饮", "米线馆"),
    ("理发", "理发店"), ("五金", "五金店"), ("水果", "水果店"), ("快递", "快递驿站"),
    ("维修", "家电维修部"), ("餐饮", "烧烤店"), ("服装", "服装店"), ("诊所", "诊所"),
    ("农资", "农资店"), ("通讯", "手机店"), ("早餐", "早点铺"),
)  # fmt: skip
WORKPLACES = (
    "区财政局", "区发展和改革局", "区审计局", "区统计局", "区税务局", "区供电局", "区人民医院",
    "区第一中学", "区实验小学", "区人民法院", "区人民检察院", "区邮政分公司", "区农商银行",
    "区妇幼保健院", "区疾控中心", "区融媒体中心",
)  # fmt: skip


class Weighted:
    """A weighted choice from a fixed list, drawn with the caller's seeded ``random.Random``."""

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))

    def __call__(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


surname = Weighted(SURNAMES)


def generation(birth_year: int) -> int:
    return 0 if birth_year < 1960 else 1 if birth_year < 1990 else 2


def given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    """One or two characters of the person's generation and gender."""
    era = generation(birth_year)
    chars = GIVEN_CHARS[gender][era]
    if rng.random() < SINGLE_CHAR_SHARE[era]:
        return rng.choice(chars)
    first, second = rng.choice(chars), rng.choice(chars)
    if first == second and rng.random() < 0.7:  # 婷婷 happens, but less often than by chance
        second = rng.choice(chars)
    return first + second


def full_name(rng: random.Random, gender: str, birth_year: int, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, gender, birth_year)


def distinct_words(rng: random.Random, n: int, words: Sequence[str] = PLACE_WORDS) -> list[str]:
    """``n`` different place words (cycling with a numeral when more are asked than exist)."""
    pool = list(dict.fromkeys(words))
    rng.shuffle(pool)
    return [pool[i % len(pool)] + ("" if i < len(pool) else str(i // len(pool) + 1)) for i in range(n)]
