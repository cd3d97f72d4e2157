"""The triage benchmark's data look like requests, its table comes out, and its check catches a
fast but broken model (no timings here)."""

import csv

from bench import triage
from bench.triage import Generator, main, synthetic
from grassroots.triage.model import Suggestion, TextModel

TINY = ["--categories", "6", "--train", "400", "--unlabeled", "100", "--batch", "100", "--single", "20"]


def test_the_synthetic_requests_are_seeded_and_of_realistic_length():
    first = synthetic(10, 300, 50, 100, seed=3)
    assert first == synthetic(10, 300, 50, 100, seed=3)
    assert first.train_texts != synthetic(10, 300, 50, 100, seed=4).train_texts
    for text in first.train_texts:
        title, again, description = text.split(" ", 2)
        assert title == again  # the title counted twice, as text.join makes it
        assert 10 <= len(title) <= 25
        assert 50 <= len(description) <= 300
    assert any("区" in t and "路" in t for t in first.train_texts)


def test_about_one_label_in_twenty_is_wrong():
    gen = Generator(10, seed=1)
    gen.noise = 0.0
    clean = gen.sample(2000)[1]
    gen = Generator(10, seed=1)
    noisy = gen.sample(2000)[1]
    assert len(set(clean)) == 10
    wrong = sum(a != b for a, b in zip(clean, noisy, strict=True)) / len(clean)
    assert 0.02 < wrong < 0.08


def test_the_command_prints_the_table_and_passes_its_check(capsys):
    assert main([*TINY, "--no-pin"]) == 0
    out = capsys.readouterr().out
    for row in ("train", "batch  suggest", "single suggest", "model/base", "msg/s"):
        assert row in out
    assert "check: accuracy ok; single and batch answers agree" in out
    assert "goals: batch" in out


class _AlwaysTheFirst(TextModel):
    """Fast and wrong: the same label for every text."""

    def suggest(self, texts, k=3):
        return [[Suggestion(self.labels[0], 1.0)] for _ in texts]


def test_a_fast_but_broken_model_fails_the_check(capsys, monkeypatch):
    monkeypatch.setattr(triage, "TextModel", _AlwaysTheFirst)
    assert main([*TINY, "--no-pin"]) == 1
    assert "accuracy TOO LOW" in capsys.readouterr().out


def test_a_labelled_csv_file_is_replicated_up_to_the_training_size(tmp_path, capsys):
    data = synthetic(5, 150, 0, 0, seed=9)
    path = tmp_path / "labelled.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "body", "class"])
        for text, label in zip(data.train_texts, data.train_labels, strict=True):
            title, _, description = text.split(" ", 2)
            writer.writerow([title, description, label])
    argv = ["--csv", str(path), "--title-column", "title", "--text-column", "body", "--label-column", "class"]
    assert (
        main([*argv, "--train", "400", "--unlabeled", "50", "--batch", "60", "--single", "20", "--no-pin"])
        == 0
    )
    out = capsys.readouterr().out
    assert "150 labelled rows, 5 labels, 30 held out" in out
    assert "400 labelled + 50 unlabelled" in out
    assert "accuracy on 30 held-out messages" in out
