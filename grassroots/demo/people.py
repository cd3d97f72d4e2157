"""Households and the people in them: sizes, ages, names, ID numbers, phones, care tags.

Everything here is pure (a seeded ``random.Random`` in, values out), so the same seed gives the
same people. Figures and where they come from:

- household sizes: 2020 census shares (mean 2.62 nationally; the demo's mix gives ≈ 2.5 per
  household: 25,000 households, ~62,000 residents);
- ages: built from household types (young singles, couples with children, three generations,
  elderly couples, elderly living alone), tuned so that 60-year-olds and older are ≈ 25 % of
  residents — Dongchuan reports urban communities where the elderly exceed 30 %, against
  18.7 % nationally (2020 census);
- care tags: registered disability ≈ 2.7 % of the population (China Disabled Persons'
  Federation), minimum living allowance ≈ 2 % of urban and 6 % of rural households (Ministry of
  Civil Affairs orders of magnitude), elderly living alone = single-person households aged 60+;
- ID numbers: GB 11643-1999 (region, birth date, sequence whose parity is the gender, check
  character), unique within a district as the database requires.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from grassroots.core.validators import id_check_character
from grassroots.demo import names
from grassroots.people.choices import Gender, Relation, Residency, ResidentTag

MALE, FEMALE = Gender.MALE.value, Gender.FEMALE.value

# (members, share): 2020 census household sizes, slightly heavier on singles and couples as in
# older urban communities.
HOUSEHOLD_SIZES = ((1, 0.27), (2, 0.31), (3, 0.20), (4, 0.12), (5, 0.06), (6, 0.04))
ELDERLY_AGE = 60
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
    "183", "184", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    """One resident as generated: what the database row and the ID number are made from."""

    name: str
    gender: str
    birth: dt.date
    relation: str
    residency: str
    region: str
    phone: str
    tags: tuple[str, ...]

    def age(self, today: dt.date) -> int:
        return today.year - self.birth.year - ((today.month, today.day) < (self.birth.month, self.birth.day))


@dataclass
class Household:
    members: list[Person] = field(default_factory=list)


def _tri(rng: random.Random, low: float, high: float, mode: float) -> int:
    return int(rng.triangular(low, high, mode))


def _household_size(rng: random.Random) -> int:
    r, total = rng.random(), 0.0
    for size, share in HOUSEHOLD_SIZES:
        total += share
        if r < total:
            return size
    return HOUSEHOLD_SIZES[-1][0]


@dataclass(frozen=True)
class _Slot:
    relation: str
    age: int
    gender: str
    same_family: bool  # takes the household's family name (head's line)


def _couple(rng: random.Random, head_age: int) -> list[_Slot]:
    head_gender = MALE if rng.random() < 0.85 else FEMALE
    spouse_age = max(18, head_age + rng.randint(-5, 3) * (1 if head_gender == MALE else -1))
    other = FEMALE if head_gender == MALE else MALE
    return [
        _Slot(Relation.HEAD, head_age, head_gender, True),
        _Slot(Relation.SPOUSE, spouse_age, other, False),
    ]


def _children(rng: random.Random, parent_age: int, n: int) -> list[_Slot]:
    out = []
    for _ in range(n):
        age = max(0, parent_age - rng.randint(22, 34))
        out.append(_Slot(Relation.CHILD, age, rng.choice((MALE, FEMALE)), True))
    return out


def _grandchildren(rng: random.Random, head_age: int, n: int) -> list[_Slot]:
    return [
        _Slot(Relation.GRANDCHILD, max(0, head_age - rng.randint(48, 62)), rng.choice((MALE, FEMALE)), True)
        for _ in range(n)
    ]


def _parents(rng: random.Random, head_age: int, n: int) -> list[_Slot]:
    father = min(98, head_age + rng.randint(23, 33))
    mother = min(98, father - rng.randint(0, 4))
    slots = [_Slot(Relation.PARENT, mother, FEMALE, False), _Slot(Relation.PARENT, father, MALE, True)]
    # A widowed parent is more often the mother.
    return slots[:n] if n < 2 else slots


def _slots(rng: random.Random, size: int) -> list[_Slot]:
    """Who lives together, by household size and type (shares chosen for the age pyramid)."""
    r = rng.random()
    if size == 1:
        elderly = rng.random() < 0.38
        age = _tri(rng, 60, 96, 70) if elderly else _tri(rng, 19, 60, 36)
        gender = (FEMALE if rng.random() < 0.62 else MALE) if elderly else rng.choice((MALE, FEMALE))
        return [_Slot(Relation.HEAD, age, gender, True)]
    if size == 2:
        if r < 0.42:
            return _couple(rng, _tri(rng, 56, 90, 64))
        if r < 0.75:
            return _couple(rng, _tri(rng, 22, 62, 48))
        if r < 0.87:
            parent = _tri(rng, 28, 56, 40)
            return [
                _Slot(Relation.HEAD, parent, rng.choice((MALE, FEMALE)), True),
                *_children(rng, parent, 1),
            ]
        head = _tri(rng, 30, 58, 45)
        return [_Slot(Relation.HEAD, head, rng.choice((MALE, FEMALE)), True), *_parents(rng, head, 1)]
    if size == 3:
        if r < 0.70:
            head = _tri(rng, 24, 62, 40)
            return [*_couple(rng, head), *_children(rng, head, 1)]
        if r < 0.85:
            head = _tri(rng, 30, 58, 46)
            return [*_couple(rng, head), *_parents(rng, head, 1)]
        head = _tri(rng, 60, 85, 66)
        return [*_couple(rng, head), *_children(rng, head, 1)]
    if size == 4:
        head = _tri(rng, 26, 60, 40)
        if r < 0.55:
            return [*_couple(rng, head), *_children(rng, head, 2)]
        return [*_couple(rng, head), *_children(rng, head, 1), *_parents(rng, head, 1)]
    head = _tri(rng, 30, 55, 40)
    if size == 5:
        if r < 0.6:
            return [*_couple(rng, head), *_children(rng, head, 1), *_parents(rng, head, 2)]
        return [*_couple(rng, head), *_children(rng, head, 2), *_parents(rng, head, 1)]
    if r < 0.5:
        return [*_couple(rng, head), *_children(rng, head, 2), *_parents(rng, head, 2)]
    elder = _tri(rng, 58, 80, 64)
    return [*_couple(rng, elder), *_children(rng, elder, 2), *_grandchildren(rng, elder, 2)]


def _birth(rng: random.Random, age: int, today: dt.date) -> dt.date:
    """A birth date ``age`` full years before ``today`` (never in the future)."""
    try:
        latest = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year - age, day=28)
    return latest - dt.timedelta(days=rng.randrange(365))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _has_phone(rng: random.Random, age: int) -> bool:
    if age < 14:
        return False
    if age < 18:
        return rng.random() < 0.6
    if age >= 80:
        return rng.random() < 0.55
    return rng.random() < 0.97


def _person_tags(rng: random.Random, slot: _Slot, *, rural: bool) -> list[str]:
    tags: list[str] = []
    if rng.random() < (0.055 if slot.age >= ELDERLY_AGE else 0.012):
        tags.append(ResidentTag.DISABILITY)
    if slot.gender == MALE and slot.age >= 40 and rng.random() < 0.03:
        tags.append(ResidentTag.VETERAN)
    if slot.age >= 40 and rng.random() < 0.012:
        tags.append(ResidentTag.SERIOUS_ILLNESS)
    if rng.random() < 0.002:
        tags.append(ResidentTag.SPECIAL_CARE)
    if rural and slot.age < 16 and rng.random() < 0.10:
        tags.append(ResidentTag.LEFT_BEHIND_CHILD)
    return tags


def _residency(rng: random.Random, *, rural: bool) -> str:
    r = rng.random()
    if r < (0.95 if rural else 0.78):
        return Residency.REGISTERED
    return Residency.PERMANENT if r < (0.98 if rural else 0.90) else Residency.FLOATING


def _region(rng: random.Random, residency: str, home: str) -> str:
    if residency == Residency.REGISTERED:
        return home
    if residency == Residency.PERMANENT:
        return rng.choice(names.YUNNAN_REGIONS)
    return rng.choice(names.OTHER_REGIONS)


def household(
    rng: random.Random, today: dt.date, *, home_region: str, rural: bool, head_only: bool = False
) -> Household:
    """The people of one household, with names sharing the family line and care tags;
    ``head_only`` keeps just the head (the city benchmark's choice, to load in minutes)."""
    slots = _slots(rng, _household_size(rng))
    family = names.surname(rng)
    residency = _residency(rng, rural=rural)
    region = _region(rng, residency, home_region)
    low_income = rng.random() < (0.06 if rural else 0.02)
    all_elderly = all(s.age >= ELDERLY_AGE for s in slots)
    out = Household()
    for slot in slots[:1] if head_only else slots:
        birth = _birth(rng, slot.age, today)
        tags = _person_tags(rng, slot, rural=rural)
        if all_elderly and len(slots) == 1:
            tags.append(ResidentTag.ELDERLY_ALONE)
            if low_income and rng.random() < 0.3:
                tags.append(ResidentTag.EXTREME_POVERTY)
        elif all_elderly:
            tags.append(ResidentTag.EMPTY_NEST)
        if low_income and ResidentTag.EXTREME_POVERTY not in tags:
            tags.append(ResidentTag.LOW_INCOME)
        out.members.append(
            Person(
                name=names.full_name(rng, slot.gender, birth.year, family if slot.same_family else None),
                gender=slot.gender,
                birth=birth,
                relation=slot.relation,
                residency=residency,
                region=region,
                phone=mobile(rng) if _has_phone(rng, slot.age) else "",
                tags=tuple(dict.fromkeys(tags)),
            )
        )
    return out


class IdNumbers:
    """Issues GB 11643 ID numbers, never the same one twice (the district's uniqueness rule)."""

    def __init__(self) -> None:
        self.used: set[int] = set()

    def issue(self, rng: random.Random, region: str, birth: dt.date, gender: str) -> str:
        parity = 1 if gender == MALE else 0
        for _ in range(1000):
            sequence = rng.randrange(500) * 2 + parity
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            key = int(first17)
            if key not in self.used:
                self.used.add(key)
                return first17 + id_check_character(first17)
        raise RuntimeError(f"no ID number left for {region} {birth}")  # 500 per day and gender


def party_member_chance(age: int, gender: str) -> float:
    """Chance that an adult is a party member: ≈ 5 % of adults overall (4–6 %), more
    among older people and men (about 70 % of members are men; Organisation Department 2022)."""
    if age < 18:
        return 0.0
    base = 0.025 if age < 30 else 0.045 if age < 50 else 0.065 if age < 70 else 0.08
    return base * (1.35 if gender == MALE else 0.6)
