"""The pretraining script (utils.pretrain) and the checkpoints it left beside notebook 05."""

import ast
import json

import keras
import numpy as np
import pytest

from utils import models, pretrain, watermark

from test_listings import listing

TINY = dict(pretrain.WATERMARK, round_size=48, checkpoints=(1, 2), val_size=32)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The script's whole path in a tiny budget: two checkpoints of 48 patches a round."""
    folder = tmp_path_factory.mktemp("weights")
    return folder, pretrain.train(folder, config=TINY, print_every=1)


def test_a_tiny_run_saves_each_checkpoint_with_its_provenance(tiny_run):
    folder, records = tiny_run
    assert sorted(records) == sorted(pretrain.available(folder, TINY)) == [1, 2]
    assert sorted(p.name for p in folder.iterdir()) == [            # no partial files left
        "rounds-0001.json", "rounds-0001.weights.h5", "rounds-0002.json", "rounds-0002.weights.h5"]
    for rounds, info in pretrain.available(folder, TINY).items():
        weights, record = pretrain.paths(rounds, folder, TINY)
        assert weights.exists() and json.loads(record.read_text()) == info == records[rounds]
        assert info["rounds"] == rounds and info["of_rounds"] == 2 and info["seed"] == 0
        assert info["config"]["round_size"] == 48 and info["machine"]["cores"] >= 1
        assert info["versions"]["backend"] == keras.backend.backend()
        assert info["versions"]["scikit-image"] and "commit" in info["code"]
        assert len(info["loss_per_round"]) == len(info["val_loss_per_round"]) == rounds
        val = info["validation"]
        assert 0 < val["mask_rmse_over_input"] < 2 and 0 < val["gate_average_precision"] <= 1
        assert np.isfinite(val["psnr_change_marked_db"]) and info["wall_time_s"] > 0


def test_checkpoints_load_into_the_builder_and_the_notebooks_listing(tiny_run):
    folder, records = tiny_run
    page = listing("05", "def gated_unet(", layers=keras.layers)["gated_unet"](32, (16, 32, 64))
    lib = pretrain.build(TINY)
    for model in (page, lib):
        info = pretrain.load_checkpoint(model, 2, folder=folder, config=TINY)
        assert info == records[2]
    x = np.random.default_rng(0).random((3, 32, 32, 3)).astype("float32")
    a, b = page.predict(x, verbose=0), lib.predict(x, verbose=0)
    np.testing.assert_allclose(a["clean"], b["clean"], atol=1e-5)
    np.testing.assert_allclose(a["mask"], b["mask"], atol=1e-5)
    # the weights, not the optimizer's moments: about 4 bytes a parameter
    assert pretrain.paths(2, folder, TINY)[0].stat().st_size < 8 * lib.count_params()
    # the trained weights, checkpoint by checkpoint: loading them measures what was recorded
    first = pretrain.build(TINY)
    pretrain.load_checkpoint(first, 1, folder=folder, config=TINY)
    fresh = pretrain.build(TINY)
    assert not np.allclose(first.get_weights()[0], lib.get_weights()[0])
    assert not np.allclose(first.get_weights()[0], fresh.get_weights()[0])
    val = pretrain._validation_data(TINY)
    assert pretrain._evaluate(lib, val) == pytest.approx(records[2]["validation"], abs=1e-5)
    assert pretrain._evaluate(first, val) == pytest.approx(records[1]["validation"], abs=1e-5)


def test_a_changed_builder_or_configuration_is_refused_naming_the_script(tiny_run):
    folder, _ = tiny_run
    other = models.build_watermark_remover((32, 32, 3), widths=(8, 16, 32))
    with pytest.raises(RuntimeError, match="python -m utils.pretrain watermark"):
        pretrain.load_checkpoint(other, 1, folder=folder, config=TINY)
    with pytest.raises(RuntimeError, match="changed since"):
        pretrain.load_checkpoint(pretrain.build(TINY), 1, folder=folder,
                                 config=dict(TINY, lr=1e-3))
    with pytest.raises(FileNotFoundError, match=r"no checkpoint after 3 rounds.*found: \[1, 2\]"):
        pretrain.load_checkpoint(pretrain.build(TINY), 3, folder=folder, config=TINY)


def test_weights_that_are_not_the_recorded_file_are_refused(tiny_run, tmp_path):
    folder, _ = tiny_run
    for name in ("rounds-0001.json", "rounds-0002.weights.h5"):     # 2's weights, 1's record
        (tmp_path / name.replace("0002", "0001")).write_bytes((folder / name).read_bytes())
    with pytest.raises(RuntimeError, match="sha256 differs"):
        pretrain.load_checkpoint(pretrain.build(TINY), 1, folder=tmp_path, config=TINY)


def test_the_script_never_overwrites_checkpoints_unasked(tiny_run, capsys):
    folder, _ = tiny_run
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(FileExistsError, match="overwrite"):
        pretrain.train(folder, config=TINY)
    assert pretrain.main(["watermark", "--out", str(folder), "--checkpoints", "1", "2",
                          "--round-size", "48"]) == 2
    assert "exists" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_the_same_seed_trains_the_same_weights(tiny_run, tmp_path):
    folder, records = tiny_run
    again = pretrain.train(tmp_path, config=TINY, print_every=1)
    a, b = pretrain.build(TINY), pretrain.build(TINY)
    pretrain.load_checkpoint(a, 2, folder=folder, config=TINY)
    pretrain.load_checkpoint(b, 2, folder=tmp_path, config=TINY)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-6)
    assert again[2]["validation"] == pytest.approx(records[2]["validation"], abs=1e-6)


def test_the_committed_checkpoints_still_fit_the_builder():
    """Every checkpoint beside notebook 05 loads into the current builder with the current
    configuration; when either changed, this fails naming the script to retrain them."""
    found = pretrain.available()
    assert sorted(found) == list(pretrain.WATERMARK["checkpoints"]), (
        f"checkpoints beside the notebook: {sorted(found)}; expected "
        f"{pretrain.WATERMARK['checkpoints']}: run `{pretrain.SCRIPT}`")
    total = 0
    for rounds, info in found.items():
        model = pretrain.build()
        pretrain.load_checkpoint(model, rounds)        # raises naming the script when stale
        assert info["of_rounds"] == max(found) and info["seed"] == pretrain.WATERMARK["seed"]
        total += pretrain.paths(rounds)[0].stat().st_size + pretrain.paths(rounds)[1].stat().st_size
    assert total < 5e6, f"the committed weights take {total / 1e6:.1f} MB; the budget is 5 MB"


def _settings(notebook_cell: str) -> dict:
    """A settings cell's values in full mode (``cfg.pick(fast, full)``: the second)."""
    out = {}
    for node in ast.parse(notebook_cell).body:
        value = node.value
        if isinstance(value, ast.Call):                  # cfg.pick(fast, full)
            value = value.args[1]
        out[node.targets[0].id] = ast.literal_eval(value)
    return out


def test_the_notebooks_part_2_settings_are_the_scripts():
    """The notebook says its own run uses the checkpoints' settings (in full mode): keep them
    equal."""
    path = pretrain.ROOT / "notebooks" / "05_watermark_removal.ipynb"
    cells = ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    cell = next(c for c in cells if c.startswith("# Settings"))
    s = _settings(cell)
    w = pretrain.WATERMARK
    assert (s["PATCH"], tuple(s["UNET_WIDTHS"]), s["BATCH_SIZE"], s["LR"], s["MASK_WEIGHT"],
            s["GATE_WEIGHT"], s["GATE_MIN_ALPHA"], s["CLEAN_SHARE"], s["ROUND_SIZE"]) == (
        w["patch"], tuple(w["widths"]), w["batch_size"], w["lr"], w["mask_weight"],
        w["gate_weight"], w["gate_min_alpha"], w["clean_share"], w["round_size"])


def test_unseen_patches_make_a_round_of_targets():
    images = {"a": np.random.default_rng(0).random((64, 64, 3)).astype("float32")}
    j, y, w = watermark.unseen_patches(images, watermark.WatermarkSampler("val", seed=1), 40, 3,
                                       size=32, clean_share=0.5, mask_weight=3.0)
    assert j.shape == y["clean"].shape == (40, 32, 32, 3) and y["mask"].shape == (40, 32, 32, 1)
    marked = (j != y["clean"]).any(axis=(1, 2, 3))
    assert 5 < marked.sum() < 35                   # about half left clean
    assert set(np.unique(w["clean"])) <= {1.0, 4.0} and (w["mask"] == 1).all()
    assert not (w["clean"][~marked] > 1).any()     # unmarked patches: no extra weight
    j2, _, _ = watermark.unseen_patches(images, watermark.WatermarkSampler("val", seed=1), 40, 3,
                                        size=32, clean_share=0.5, mask_weight=3.0)
    np.testing.assert_array_equal(j, j2)           # the same draw, the same round
