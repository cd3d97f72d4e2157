"""Every training stores a new version with its evaluation; roll-back switches the active one
back instantly, and every process sees the switch (versioned models, roll-back)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from grassroots.triage import store, training


class Stub:
    """A stand-in model: the store keeps whatever it is given."""

    kind = "stub"

    def __init__(self, name: str) -> None:
        self.name = name


def test_two_trainings_make_v1_and_v2_and_rollback_makes_v1_current(
    toy: SimpleNamespace, teach: Any, settings: Any
) -> None:
    teach(5)
    assert training.train(toy.district).version == 1
    assert training.train(toy.district).version == 2
    base = settings.TRIAGE_MODEL_DIR / toy.district.code
    meta = json.loads((base / "v2" / "meta.json").read_text())
    assert meta["version"] == 2
    assert meta["kind"] == "text"
    assert meta["n"] == 20
    assert set(meta["evaluation"]) >= {"accuracy", "macro_f1", "per_category", "n"}
    assert (base / "current").read_text().strip() == "2"

    assert store.rollback(toy.district) == 1

    _model, loaded = store.load(toy.district) or (None, {})
    assert loaded["version"] == 1
    assert [(v["version"], v["current"]) for v in store.versions(toy.district)] == [(1, True), (2, False)]


def test_load_follows_a_switch_made_elsewhere(toy: SimpleNamespace, settings: Any) -> None:
    store.save(toy.district, Stub("first"), {"kind": "stub"})
    store.save(toy.district, Stub("second"), {"kind": "stub"})
    assert store.load(toy.district)[0].name == "second"  # type: ignore[index]

    # Another process (the command) rewrites ``current``; this process's cache notices.
    (settings.TRIAGE_MODEL_DIR / toy.district.code / "current").write_text("1\n")

    assert store.load(toy.district)[0].name == "first"  # type: ignore[index]


def test_activating_an_unknown_version_is_a_clear_error(toy: SimpleNamespace) -> None:
    store.save(toy.district, Stub("only"), {"kind": "stub"})

    with pytest.raises(ValidationError, match="no triage model version 7"):
        store.activate(toy.district, 7)
    with pytest.raises(ValidationError, match="no earlier"):
        store.rollback(toy.district)
    assert store.current_version(toy.district) == 1


def test_only_the_last_versions_are_kept(toy: SimpleNamespace, settings: Any) -> None:
    settings.TRIAGE_KEEP_VERSIONS = 2
    for name in ("a", "b", "c", "d"):
        store.save(toy.district, Stub(name), {"kind": "stub"})

    assert [v["version"] for v in store.versions(toy.district)] == [3, 4]


def test_the_commands_list_roll_back_and_refuse_unknown_versions(toy: SimpleNamespace, capsys: Any) -> None:
    store.save(toy.district, Stub("a"), {"kind": "stub", "trained_by": "test"})
    store.save(toy.district, Stub("b"), {"kind": "stub", "trained_by": "test"})

    call_command("triage_rollback", district=toy.district.code)
    call_command("triage_models", district=toy.district.code)
    out = capsys.readouterr().out

    assert "v1 is now active" in out
    assert "* v1" in out
    assert "  v2" in out
    with pytest.raises(CommandError, match="no triage model version 9"):
        call_command("triage_rollback", district=toy.district.code, to=9)
    call_command("triage_rollback", district=toy.district.code, to=2)
    assert store.current_version(toy.district) == 2


def test_the_training_command_says_why_it_did_not_train(toy: SimpleNamespace, capsys: Any) -> None:
    call_command("triage_train", district=toy.district.code)

    assert f"{toy.district.code}: not trained: 0 verified cases" in capsys.readouterr().out
