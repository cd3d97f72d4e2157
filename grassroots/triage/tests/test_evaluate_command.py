"""``manage.py triage_evaluate``: the model and the plain baseline scored in the same run, on files
given by path, by train/test files or by K-fold cross-validation; bad arguments say what is wrong."""

from __future__ import annotations

import csv
import random
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

# A toy catalog of requests: each label has its own words; every text mixes in shared filler.
WORDS = {
    "城乡建设": ["违章建筑", "施工噪音", "工地扬尘", "小区改造", "道路开挖"],
    "教育文体": ["学校招生", "幼儿园收费", "学位分配", "课外培训", "教师编制"],
    "劳动和社会保障": ["拖欠工资", "社保缴纳", "养老保险", "劳动合同", "失业补助"],
}
FILLER = ["请相关部门尽快处理", "希望领导重视", "问题已经存在很久", "居民反映强烈", "谢谢"]


def write(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言编号", "留言主题", "留言详情", "一级分类"])
        writer.writerows(rows)
    return path


def toy_rows(n, seed):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = list(WORDS)[i % len(WORDS)]
        words = rng.sample(WORDS[label], 2)
        rows.append([i, f"关于{words[0]}的问题", f"{words[1]}，{rng.choice(FILLER)}。\t\t", label])
    return rows


def run(*args):
    out = StringIO()
    call_command("triage_evaluate", *args, stdout=out)
    return out.getvalue()


def macro_f1(output, name):
    match = re.search(rf"^{name}\s+([\d.]+)\s+([\d.]+)", output, re.MULTILINE)
    assert match, output
    return float(match.group(2))


def test_train_and_test_files_score_the_model_and_the_baseline(tmp_path):
    train = write(tmp_path / "train.csv", toy_rows(60, seed=1))
    test = write(tmp_path / "test.csv", toy_rows(30, seed=2))
    output = run("--train", str(train), "--test", str(test))
    assert "trained on 60 rows, tested on 30" in output
    # Three labels: chance is a third; the words decide every label here.
    assert macro_f1(output, "model") > 0.9
    assert macro_f1(output, "baseline") > 0.6
    for label in WORDS:
        assert re.search(rf"^{label}\s+[\d.]+\s+[\d.]+\s+10$", output, re.MULTILINE), output


def test_cross_validation_runs_k_folds_per_shuffle(tmp_path):
    data = write(tmp_path / "all.csv", toy_rows(45, seed=3))
    output = run("--cv", "3", "--seeds", "2", str(data))
    assert output.count("3-fold cross-validation") == 2
    assert macro_f1(output, "model") > 0.9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cv", "5"], "--cv K takes one labelled file"),
        (["--cv", "1", "DATA"], "at least 2 folds"),
        (["--train", "DATA"], "Give --train A.csv --test B.csv"),
        (["--train", "MISSING", "--test", "DATA"], "No such file"),
        (["--cv", "2", "NOLABEL"], "no column 一级分类"),
    ],
)
def test_bad_arguments_say_what_is_wrong(tmp_path, args, message):
    data = write(tmp_path / "all.csv", toy_rows(12, seed=4))
    (tmp_path / "nolabel.csv").write_text("留言主题,留言详情\n标题,内容\n", encoding="utf-8")
    paths = {
        "DATA": str(data),
        "MISSING": str(tmp_path / "missing.csv"),
        "NOLABEL": str(tmp_path / "nolabel.csv"),
    }
    with pytest.raises(CommandError, match=message):
        run(*[paths.get(a, a) for a in args])
