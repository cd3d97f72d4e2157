"""What the parts of a load share: the size and seed, the units written so far, the row counts."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models

from grassroots.core.models import User
from grassroots.demo import names, people
from grassroots.demo.plan import Node, Size
from grassroots.org.models import Unit

M = TypeVar("M", bound=models.Model)
BATCH = 1000


def uid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID from the seeded generator, so public ids are reproducible too."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def batched(items: Iterable[M], model: type[M]) -> list[M]:
    """``bulk_create`` in batches; for the small tables (the big ones go through ``sink``)."""
    return model._default_manager.bulk_create(list(items), batch_size=BATCH)


def communities(district: Node) -> list[Node]:
    return [community for street in district.children for community in street.children]


@dataclass
class LoadState:
    size: Size
    seed: int
    today: dt.date
    counts: Counter[str] = field(default_factory=Counter)
    units: dict[str, Unit] = field(default_factory=dict)  # by code
    demo_users: dict[str, User] = field(default_factory=dict)  # by role
    user_seq: int = 0

    def rng(self, *key: object) -> random.Random:
        """An independent generator per purpose and place: the same seed gives the same rows
        whatever order or chunk size they are written in."""
        return random.Random("/".join(str(k) for k in (self.seed, *key)))

    def new_user(self, rng: random.Random, abbr: str) -> User:
        """An unsaved staff user with a Chinese name and no usable password (``demo.gm.00042``)."""
        self.user_seq += 1
        gender = people.MALE if rng.random() < 0.55 else people.FEMALE
        return User(
            username=f"{self.size.prefix}.{abbr}.{self.user_seq:05d}",
            display_name=names.full_name(rng, gender, rng.randint(1965, 2000)),
            password=make_password(None),
            uid=uid(rng),
        )
