"""The results page (RESULTS.md) is generated from the runner's results, never typed."""

import json

import pytest

from utils.machinery import results_page as rp


def _results(tmp_path, name="results.json", notebooks=None, seed=0):
    notebooks = notebooks or {
        "01_basic_autoencoder": dict(
            status="passed", wall_time_s=61.2, mode="full", data_source="embedded",
            backend="tensorflow", seed=seed,
            metrics={"min_principal_cosine": dict(value=0.99962, op=">=", bar=0.999,
                                                  passed=True, text="smallest | cosine")},
            notes={"x": dict(value=0.5, text="a measured note")}, error=None)}
    path = tmp_path / name
    path.write_text(json.dumps(dict(generated="2026-12-05T10:00:00", machine=dict(
        cpus=2, platform="Linux", python="3.11.7", versions={"keras": "3.15.1"}),
        notebooks=notebooks)))
    return path


def test_the_page_shows_every_number_its_bar_and_the_time(tmp_path):
    runs = tmp_path / "runs"
    kept = rp.add(_results(tmp_path), runs)
    assert kept.name == "full-tensorflow-seed0.json"
    page = rp.write(tmp_path / "RESULTS.md", runs).read_text()
    assert "| 01_basic_autoencoder | 61 (passed) |" in page
    assert "| smallest \\| cosine | 0.9996 | >= 0.999 | passed |" in page
    assert "| a measured note | 0.5 | — | measured |" in page
    assert "2 CPU cores" in page and "keras 3.15.1" in page


def test_a_partial_run_replaces_only_its_notebooks(tmp_path):
    runs = tmp_path / "runs"
    rp.add(_results(tmp_path), runs)
    other = {"02_stacked_autoencoders": dict(status="failed", wall_time_s=5, mode="full",
                                             backend="tensorflow", seed=0, metrics={},
                                             notes={}, error=None)}
    rp.add(_results(tmp_path, "partial.json", other), runs)
    kept = json.loads((runs / "full-tensorflow-seed0.json").read_text())
    assert sorted(kept["notebooks"]) == ["01_basic_autoencoder", "02_stacked_autoencoders"]
    rp.add(_results(tmp_path, "seed1.json", seed=1), runs)
    page = rp.render(rp.kept_runs(runs))
    assert "## full-tensorflow-seed0" in page and "## full-tensorflow-seed1" in page


def test_bad_input_is_refused_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="expected a results.json"):
        rp.load_run(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not JSON"):
        rp.load_run(tmp_path / "bad.json")
    (tmp_path / "empty.json").write_text("{}")
    with pytest.raises(ValueError, match="expected a results.json's contents, with its 'notebooks'"):
        rp.load_run(tmp_path / "empty.json")
    with pytest.raises(FileNotFoundError, match="holds no results"):
        rp.write(tmp_path / "page.md", tmp_path / "nothing-here")
    with pytest.raises(TypeError, match="argv is 'x'"):
        rp.main("x")


def test_the_committed_page_is_what_the_kept_runs_give():
    """RESULTS.md is not edited by hand: it is exactly the page of the runs in results/."""
    if not rp.PAGE.exists():
        pytest.skip("no RESULTS.md yet")
    assert rp.PAGE.read_text(encoding="utf-8") == rp.render(rp.kept_runs()), \
        "RESULTS.md differs from results/*.json: run `python -m utils.machinery.results_page`"
