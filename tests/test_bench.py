"""``make bench``: each notebook's time beside the kept run's, as a ratio, with the slowest
cells; the summary of the runner names them too."""

import json

from utils.machinery import bench, runner


def _run(times: dict, seed=0, cpus=2, generated="2026-12-01T10:00:00"):
    return dict(generated=generated,
                machine=dict(cpus=cpus, versions={"keras": "3.15.1", "tensorflow": "2.21.0"}),
                notebooks={name: dict(status="passed", wall_time_s=sum(cells.values()) + 2.0,
                                      mode="full", backend="tensorflow", seed=seed,
                                      cell_times_s=cells,
                                      cell_heads={c: f"line of {c}" for c in cells})
                           for name, cells in times.items()})


def test_slowest_cells_in_order_with_their_first_lines():
    times = {"cell 2": 5.0, "cell 4": 40.0, "cell 6": 1.0, "cell 8": 12.0}
    assert runner.slowest_cells(times, {"cell 4": "model.fit(x)"}) == \
        "cell 4 (40 s: model.fit(x)), cell 8 (12 s), cell 2 (5 s)"
    assert runner.slowest_cells(times, n=1) == "cell 4 (40 s)"
    assert runner._first_line("\n\n  # Train\nmodel.fit()") == "# Train"
    assert runner._first_line("x" * 80).endswith("…") and len(runner._first_line("x" * 80)) == 60


def test_table_gives_each_notebook_its_ratio_and_the_total():
    this = _run({"01_a": {"cell 1": 10.0, "cell 3": 30.0}, "02_b": {"cell 1": 18.0}})
    kept = _run({"01_a": {"cell 1": 5.0, "cell 3": 15.0}, "02_b": {"cell 1": 38.0}})
    lines = bench.table(this, kept).splitlines()
    assert lines[0] == "this run: full-tensorflow-seed0 on 2 cores, keras 3.15.1, tensorflow 2.21.0"
    assert lines[1].startswith("kept run: full-tensorflow-seed0") and "2026-12-01" in lines[1]
    row = next(line for line in lines if line.startswith("01_a"))
    assert row.split()[1:4] == ["42", "22", "1.91"] and "cell 3 (30 s: line of cell 3)" in row
    assert next(line for line in lines if line.startswith("02_b")).split()[1:4] == \
        ["20", "40", "0.50"]
    assert lines[-1].split() == ["all", "62", "62", "1.00"]


def test_table_without_a_kept_run_or_a_notebook_it_lacks():
    this = _run({"01_a": {"cell 1": 10.0}, "09_new": {"cell 1": 4.0}})
    alone = bench.table(this, None).splitlines()
    assert alone[1] == "kept run: none to compare with"
    partial = bench.table(this, _run({"01_a": {"cell 1": 8.0}})).splitlines()
    assert next(line for line in partial if line.startswith("09_new")).split()[1:4] == \
        ["6", "—", "—"]
    assert partial[-1].split() == ["all", "18", "—", "—"]


def test_compare_finds_the_kept_run_of_the_same_mode_backend_and_seed(tmp_path, capsys,
                                                                     monkeypatch):
    runs = tmp_path / "results"
    runs.mkdir()
    (runs / "full-tensorflow-seed1.json").write_text(json.dumps(_run({"01_a": {"c": 9.0}}, 1)))
    (runs / "full-tensorflow-seed0.json").write_text(json.dumps(_run({"01_a": {"c": 1.0}})))
    this = tmp_path / "results.json"
    this.write_text(json.dumps(_run({"01_a": {"c": 20.0}}, seed=1)))
    assert bench.kept_run_for(json.loads(this.read_text()), runs) == \
        runs / "full-tensorflow-seed1.json"
    monkeypatch.setattr(bench, "RUNS_DIR", runs)
    assert bench.main(["--compare", str(this)]) == 0
    out = capsys.readouterr().out
    assert "full-tensorflow-seed1.json" in out
    assert next(line for line in out.splitlines() if line.startswith("01_a")).split()[1:4] == \
        ["22", "11", "2.00"]
    assert bench.main(["--compare", str(tmp_path / "missing.json")]) == 2
    assert "bench: path" in capsys.readouterr().err
