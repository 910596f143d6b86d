import json
import math

import pytest

from utils import config, report

NB = "01_basic_autoencoder"


def _cfg(mode="full"):
    return config.Setup(notebook=NB, mode=mode, seed=0, data_source="embedded",
                        backend="tensorflow", budget=config.get_budget(NB, mode),
                        bars=config.BARS[NB])


def test_passes():
    assert report.passes(1.0, "<=", 1.0) and not report.passes(1.01, "<=", 1.0)
    assert report.passes(0.999, ">=", 0.99) and not report.passes(math.nan, ">=", 0)
    with pytest.raises(ValueError, match="op is '<'"):
        report.passes(1, "<", 2)


def test_record_uses_the_bar_of_the_mode():
    full, fast = report.Report(_cfg("full")), report.Report(_cfg("fast"))
    value = 1.05  # between the full (1.01) and fast (1.10) bars
    assert not full.record("linear_ae_mse_over_pca", value)
    assert fast.record("linear_ae_mse_over_pca", value)
    assert full.metrics["linear_ae_mse_over_pca"]["bar"] == 1.01


def test_check_names_missed_and_missing_bars():
    rep = report.Report(_cfg())
    rep.record("linear_ae_mse_over_pca", 2.0)
    with pytest.raises(AssertionError, match=r"not recorded: .*min_principal_cosine.*"
                                             r"linear_ae_mse_over_pca = 2"):
        rep.check()


def test_check_passes_when_all_bars_met():
    rep = report.Report(_cfg())
    for name, spec in config.BARS[NB].items():
        rep.record(name, spec["full"])
    rep.check()
    assert "✅" in rep._repr_html_() and "passed" in str(rep)


def test_record_writes_json_when_results_dir_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv(report.RESULTS_DIR_ENV, str(tmp_path))
    rep = report.Report(_cfg())
    rep.record("min_principal_cosine", 0.5)
    saved = json.loads((tmp_path / f"{NB}.json").read_text())
    assert saved["mode"] == "full" and saved["data_source"] == "embedded"
    assert saved["metrics"]["min_principal_cosine"] == dict(
        value=0.5, op=">=", bar=0.999, passed=False,
        text=config.BARS[NB]["min_principal_cosine"]["text"])


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
    with pytest.raises(AssertionError, match="not recorded"):
        rep.check()  # notes do not stand in for the bars
    with pytest.raises(ValueError, match="has a bar"):
        rep.note("min_principal_cosine", 1.0, "x")
    with pytest.raises(TypeError, match="expected a number"):
        rep.note("n", "many", "x")


def test_full_only_bar_is_reported_but_not_judged_in_fast_mode():
    nb = "06_vae_generation"
    bars = {"b": dict(op="<=", full=1.0, fast=None, text="a full-mode bar")}
    cfg = {m: config.Setup(notebook=nb, mode=m, seed=0, data_source="embedded",
                           backend="tensorflow", budget=config.get_budget(nb, m), bars=bars)
           for m in ("fast", "full")}
    fast = report.Report(cfg["fast"])
    with pytest.raises(AssertionError, match="not recorded: b"):
        fast.check()
    assert fast.record("b", 5.0)
    fast.check()
    assert "full mode only" in str(fast) and "b" not in fast.metrics
    full = report.Report(cfg["full"])
    assert not full.record("b", 5.0)
    with pytest.raises(AssertionError, match="b = 5"):
        full.check()
