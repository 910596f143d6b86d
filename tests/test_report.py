import json
import math

import numpy as np
import pytest

from utils import bars, config, report
from utils.machinery import judge

NB = "01_basic_autoencoder"


def _cfg(mode="full"):
    return config.Setup(notebook=NB, mode=mode, seed=0, data_source="embedded",
                        backend="tensorflow",
                        bars=bars.BARS[NB])


def test_passes():
    assert bars.passes(1.0, "<=", 1.0) and not bars.passes(1.01, "<=", 1.0)
    assert bars.passes(0.999, ">=", 0.99) and not bars.passes(math.nan, ">=", 0)
    with pytest.raises(ValueError, match="op is '<'"):
        bars.passes(1, "<", 2)


def test_record_uses_the_bar_of_the_mode():
    full, fast = report.Report(_cfg("full")), report.Report(_cfg("fast"))
    value = 1.05  # between the full (1.01) and fast (1.10) bars
    assert full.record("linear_ae_mse_over_pca", value) is None   # a cell shows nothing
    fast.record("linear_ae_mse_over_pca", value)
    assert not full.passed("linear_ae_mse_over_pca") and fast.passed("linear_ae_mse_over_pca")
    assert full.metrics["linear_ae_mse_over_pca"]["bar"] == 1.01


def test_judge_names_missed_and_missing_bars():
    rep = report.Report(_cfg())
    rep.record("linear_ae_mse_over_pca", 2.0)
    found = judge.problems(NB, "full", rep.as_dict())
    assert "linear_ae_mse_over_pca = 2, bar <= 1.01" in found
    assert "min_principal_cosine: not recorded" in found
    assert judge.problems(NB, "full", None) == [
        "no results were recorded (the results cell, report.Report, did not run)"]


def test_check_passes_when_all_bars_met():
    rep = report.Report(_cfg())
    for name, spec in bars.BARS[NB].items():
        rep.record(name, spec["full"])
    assert judge.problems(NB, "full", rep.as_dict()) == []
    assert "✅" in rep._repr_html_() and "passed" in str(rep)


def test_record_writes_json_when_results_dir_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv(report.RESULTS_DIR_ENV, str(tmp_path))
    rep = report.Report(_cfg())
    rep.record("min_principal_cosine", 0.5)
    saved = json.loads((tmp_path / f"{NB}.json").read_text())
    assert saved["mode"] == "full" and saved["data_source"] == "embedded"
    assert saved["metrics"]["min_principal_cosine"] == dict(
        value=0.5, op=">=", bar=0.999, passed=False,
        text=bars.BARS[NB]["min_principal_cosine"]["text"], shows="working")


def test_a_bar_met_by_a_failure_on_purpose_says_so(tmp_path, monkeypatch):
    """07's blank images: the bar is met when the autoencoder's score calls them normal, and
    the results table must not read that as a method working."""
    monkeypatch.setenv(report.RESULTS_DIR_ENV, str(tmp_path))
    nb = "07_autoencoders_at_work"
    cfg = config.Setup(**{**_cfg().__dict__, "notebook": nb, "bars": bars.BARS[nb]})
    rep = report.Report(cfg)
    rep.record("ae_auc_blank", 0.0)
    rep.record("code_over_pixel_precision", 1.01)
    rows = {r[0]: r for r in rep.rows()}
    assert rows[bars.BARS[nb]["ae_auc_blank"]["text"]][3:] == (
        "✅ passed", "a known failure, reproduced on purpose")
    assert rows[bars.BARS[nb]["code_over_pixel_precision"]["text"]][4] == "a method working"
    assert "reproduced on purpose" in str(rep) and "reproduced on purpose" in rep._repr_html_()
    saved = json.loads((tmp_path / f"{nb}.json").read_text())
    assert saved["metrics"]["ae_auc_blank"]["shows"] == "failure"
    assert set(bars.SHOWS) == {"working", "failure", "sanity"}
    for name, spec in ((n, s) for b in bars.BARS.values() for n, s in b.items()):
        assert spec.get("shows", "working") in bars.SHOWS, name


def test_bad_input():
    rep = report.Report(_cfg())
    with pytest.raises(KeyError, match="name is 'psnr'"):
        rep.record("psnr", 1.0)
    with pytest.raises(TypeError, match="expected a number"):
        rep.record("min_principal_cosine", "high")
    with pytest.raises(TypeError, match="expected the Setup"):
        report.Report({"mode": "fast"})


def test_actual_data_source_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv(report.RESULTS_DIR_ENV, str(tmp_path))
    cfg = _cfg()
    rep = report.Report(config.Setup(**{**cfg.__dict__, "data_source": "auto"}),
                        data_source="embedded")
    rep.record("min_principal_cosine", 1.0)
    assert json.loads((tmp_path / f"{NB}.json").read_text())["data_source"] == "embedded"
    assert "embedded data" in str(rep)


def test_table_text_and_html():
    t = report.Table([dict(model="a", params=1234, err=0.123456), dict(model="b", params=5, err=2.0)],
                     title="T")
    text = str(t)
    assert text.splitlines()[0] == "T" and "1,234" in text and "0.1235" in text
    assert "<th>model</th>" in t._repr_html_()
    with pytest.raises(ValueError, match="rows is empty"):
        report.Table([])
    with pytest.raises(ValueError, match="row 1 has columns"):
        report.Table([dict(a=1), dict(b=2)])


def test_notes_are_reported_without_a_bar(tmp_path, monkeypatch):
    monkeypatch.setenv(report.RESULTS_DIR_ENV, str(tmp_path))
    rep = report.Report(_cfg())
    rep.note("scratch_accuracy_100", 0.776, "from scratch, 100 labels: mean test accuracy")
    saved = json.loads((tmp_path / f"{NB}.json").read_text())
    assert saved["notes"]["scratch_accuracy_100"]["value"] == 0.776
    assert "measured" in str(rep) and "0.776" in str(rep)
    # notes do not stand in for the bars
    assert "min_principal_cosine: not recorded" in judge.problems(NB, "full", rep.as_dict())
    with pytest.raises(ValueError, match="has a bar"):
        rep.note("min_principal_cosine", 1.0, "x")
    with pytest.raises(TypeError, match="expected a number"):
        rep.note("n", "many", "x")


def test_full_only_bar_is_reported_but_not_judged_in_fast_mode():
    nb = "06_vae_generation"
    bars = {"b": dict(op="<=", full=1.0, fast=None, text="a full-mode bar")}
    cfg = {m: config.Setup(notebook=nb, mode=m, seed=0, data_source="embedded",
                           backend="tensorflow", bars=bars)
           for m in ("fast", "full")}
    fast = report.Report(cfg["fast"])
    assert judge.problems(nb, "fast", fast.as_dict(), notebook_bars=bars) == ["b: not recorded"]
    fast.record("b", 5.0)
    assert fast.passed("b") is None
    assert judge.problems(nb, "fast", fast.as_dict(), notebook_bars=bars) == []
    assert "full mode only" in str(fast) and "b" not in fast.metrics
    full = report.Report(cfg["full"])
    full.record("b", 5.0)
    assert full.passed("b") is False
    assert judge.problems(nb, "full", full.as_dict(), notebook_bars=bars) == ["b = 5, bar <= 1"]


def test_passes_takes_numpy_numbers_and_keeps_nan_and_inf():
    import numpy as np

    assert bars.passes(np.float32(0.5), "<=", np.float64(1.0))
    assert bars.passes(np.array(2.0), ">=", 1)            # a 0-d array, e.g. from keras.ops
    assert bars.passes(math.inf, ">=", 20.0)              # e.g. PSNR of a perfect copy
    assert not bars.passes(math.inf, "<=", 1.0)
    assert not bars.passes(np.float32("nan"), "<=", 1.0)  # a diverged run misses its bar


@pytest.mark.parametrize("args, error, match", [
    ((1.0, "<", 2.0), ValueError, "op is '<'"),
    ((1.0, "<=", math.nan), ValueError, "threshold is NaN"),
    ((1.0, "<=", None), TypeError, "threshold is None"),
    (("low", "<=", 1.0), TypeError, "value is 'low'"),
    ((True, ">=", 0.5), TypeError, "value is True"),
    (([0.1, 0.2], "<=", 1.0), ValueError, r"value is \[0.1, 0.2\]"),
])
def test_passes_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        bars.passes(*args)


def test_record_refuses_what_is_not_one_number():
    rep = report.Report(_cfg())
    with pytest.raises(TypeError, match="value for 'min_principal_cosine' is True"):
        rep.record("min_principal_cosine", True)      # a comparison, not a measurement
    with pytest.raises(ValueError, match=r"value for 'min_principal_cosine' is \[0.9, 0.8\]"):
        rep.record("min_principal_cosine", [0.9, 0.8])
    with pytest.raises(TypeError, match="name is 3"):
        rep.record(3, 1.0)
    assert rep.metrics == {}
    rep.record("min_principal_cosine", math.nan)   # recorded, and missed
    assert rep.passed("min_principal_cosine") is False
    with pytest.raises(KeyError, match="nothing was recorded for it yet"):
        rep.passed("linear_ae_mse_over_pca")
    assert math.isnan(rep.metrics["min_principal_cosine"]["value"])


def test_note_and_report_arguments():
    rep = report.Report(_cfg())
    with pytest.raises(ValueError, match="name is ''"):
        rep.note("", 1.0, "x")
    with pytest.raises(TypeError, match="text is 5"):
        rep.note("n", 1.0, 5)
    with pytest.raises(TypeError, match="data_source is 3"):
        report.Report(_cfg(), data_source=3)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(rows={"a": 1}), TypeError, "rows is"),
    (dict(rows=[dict(a=1), [2]]), TypeError, r"rows\[1\] is \[2\]"),
    (dict(rows=[dict(a=1.5)], digits=0), ValueError, "digits is 0"),
    (dict(rows=[dict(a=1.5)], digits=2.0), TypeError, "digits is 2.0"),
    (dict(rows=[dict(a=1.5)], title=None), TypeError, "title is None"),
])
def test_table_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        report.Table(**kwargs)


def test_table_digits_and_cells():
    t = report.Table([dict(a=3.14159, n=12345, flag=True)], digits=3)
    assert "3.14" in str(t) and "12,345" in str(t) and "True" in str(t)


def test_table_rounds_numpy_scalars_like_python_numbers():
    t = report.Table([dict(conf=np.float32(0.8572059), n=np.int64(12345), ok=np.bool_(True))],
                     digits=3)
    row = str(t).splitlines()[-1].split()
    assert row == ["0.857", "12,345", "True"]


def test_exercise_check_ticks_in_range_and_explains_outside(capsys):
    report.exercise_check("your ratio", 1.004, high=1.01)
    out = capsys.readouterr().out
    assert "✅ your ratio: passed" in out and "1.004" not in out  # no answer in the output
    report.exercise_check("accuracy", 0.9, low=0.5, high=1.0)
    with pytest.raises(report.ExerciseNotDone, match=r"your ratio = 1.2; expected ≤ 1.01. "
                                                     r"Train longer"):
        report.exercise_check("your ratio", 1.2, high=1.01, hint="Train longer.")
    with pytest.raises(report.ExerciseNotDone, match="no result yet"):
        report.exercise_check("your ratio", None, high=1.01)
    with pytest.raises(report.ExerciseNotDone, match="nan"):
        report.exercise_check("your ratio", math.nan, high=1.01)


def test_show_code_prints_the_source_without_docstrings(capsys):
    from utils import layers, models

    report.show_code(models.build_watermark_remover)
    out = capsys.readouterr().out
    assert out.startswith("def build_watermark_remover(") and "gate" in out
    assert '"""' not in out
    report.show_code(layers.DenseTranspose)
    out = capsys.readouterr().out
    assert "class DenseTranspose" in out and "def call" in out and '"""' not in out
    with pytest.raises(TypeError, match="obj is"):
        report.show_code("build_watermark_remover")
