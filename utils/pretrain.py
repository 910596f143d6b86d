"""Weights that need more training than a notebook can spend: the script, provenance, loader.

The script trains them, a provenance file beside each checkpoint records how, and the loader
is what notebooks use.

Notebook 05's unseen-mark remover (part 2) learns from fresh patches every round, and what
more training buys is one of its lessons; the checkpoints of one long run, saved at several
budgets, are trained by::

    python -m utils.pretrain watermark          # or: make pretrain

into ``notebooks/weights/05_watermark_removal/`` (``rounds-0010.weights.h5`` and its
``rounds-0010.json``, ...). Every checkpoint records the configuration it was trained with
and a hash of it and of the model's architecture; ``load_checkpoint`` refuses weights whose
hash differs from the current builder's, naming this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from . import data, metrics, models, training, watermark
from ._validate import check_bool, check_int, check_model, check_real, describe

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "notebooks" / "weights"       # the committed checkpoints, beside the notebooks
SCRIPT = "python -m utils.pretrain watermark"  # what a stale checkpoint's error names

# The settings of the unseen-mark remover's training (hashed into every checkpoint's
# provenance, with the model's architecture; the data it is drawn from is the library's:
# watermark.unseen_patches, WatermarkSampler and data.natural_images at the recorded commit).
WATERMARK = dict(
    notebook="05_watermark_removal",
    patch=32,                     # side of the training patches
    widths=(16, 32, 64),          # the U-Net's levels (models.build_watermark_remover)
    round_size=4000,              # fresh patches per round
    batch_size=32,
    lr=2e-3,                      # Adam's peak learning rate, cosine decay over the whole run
    lr_floor=0.05,                # ... down to this share of it at the last round
    mask_weight=3.0,              # extra weight of the colour loss inside the mark
    gate_weight=0.1,              # weight of the gate's binary cross-entropy
    gate_min_alpha=0.02,          # opacity above which a pixel is "marked" for the gate
    clean_share=0.25,             # share of training patches left without a mark
    checkpoints=(10, 40, 160),    # rounds after which the weights are saved (one run)
    seed=0,
    val_size=500,                 # validation patches: the validation image, validation marks
    train_images=data.NATURAL_SPLITS["train"],
    val_images=data.NATURAL_SPLITS["val"],
    train_words=watermark.TRAIN_WORDS,
    train_logos=watermark.TRAIN_LOGOS,
    val_words=watermark.VAL_WORDS,
    val_logos=watermark.VAL_LOGOS,
)
KINDS = {"watermark": WATERMARK}


def _check_config(config) -> dict:
    """A configuration like WATERMARK: a dict with all of its keys."""
    if not isinstance(config, dict):
        raise TypeError(f"config is {describe(config)}; expected a dict like "
                        "utils.pretrain.WATERMARK.")
    missing = sorted(set(WATERMARK) - set(config))
    if missing:
        raise ValueError(f"config lacks {missing}; expected every key of "
                         "utils.pretrain.WATERMARK.")
    return config


def compile_remover(model, *, steps: int, lr: float, gate_weight: float, floor: float = 0.05):
    """Compile the gated remover (``{"clean", "mask"}`` outputs): mean squared error on the
    colours plus ``gate_weight`` × binary cross-entropy of the gate, Adam with a learning rate
    decaying from ``lr`` along a cosine to ``floor`` × ``lr`` over ``steps`` steps."""
    import keras

    model = check_model("model", model)
    steps = check_int("steps", steps, low=1)
    lr = check_real("lr", lr, low=0, low_open=True)
    gate_weight = check_real("gate_weight", gate_weight, low=0)
    floor = check_real("floor", floor, low=0, high=1)
    model.compile(
        optimizer=keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(lr, steps, alpha=floor)),
        loss={"clean": "mse", "mask": "binary_crossentropy"},
        loss_weights={"clean": 1.0, "mask": gate_weight},
    )
    return model


def _architecture(model) -> list:
    """The model's layers in order, each as its class, its configuration without its name,
    the positions of the layers it reads from, and its weights' shapes; then the outputs'
    names and positions: what must match for saved weights to mean the same thing."""
    layers = model.get_config()["layers"]
    where = {layer["name"]: k for k, layer in enumerate(layers)}   # auto names differ by session

    def inputs(node):
        if isinstance(node, dict):
            history = node.get("config", {}).get("keras_history") if node.get(
                "class_name") == "__keras_tensor__" else None
            if history:
                return [[where[history[0]], history[1], history[2]]]
            return [x for v in node.values() for x in inputs(v)]
        if isinstance(node, (list, tuple)):
            return [x for v in node for x in inputs(v)]
        return []

    out = []
    for layer, spec in zip(model.layers, layers):
        config = {k: v for k, v in layer.get_config().items() if k != "name"}
        out.append([type(layer).__name__, config, inputs(spec.get("inbound_nodes", [])),
                    [list(w.shape) for w in layer.weights]])
    outputs = model.get_config()["output_layers"]
    outputs = outputs.items() if isinstance(outputs, dict) else enumerate(outputs)
    out.append(sorted([str(key), where[history[0]]] for key, history in outputs))
    return out


def config_hash(config: dict, model) -> str:
    """sha256 of the training configuration and ``_architecture(model)``, first 16 hex digits
    (a value that JSON cannot write is an error, never hashed by its repr)."""
    config, model = _check_config(config), check_model("model", model)
    text = json.dumps([_jsonable(config), _architecture(model)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _jsonable(config: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in config.items()}


def build(config: dict = WATERMARK):
    """A fresh remover of the configuration's architecture (the library's builder)."""
    config = _check_config(config)
    return models.build_watermark_remover((config["patch"], config["patch"], 3),
                                          config["widths"])


def _round_data(config: dict, sampler, draw: int, images=None, n: int | None = None):
    """Round ``draw`` of training data (or, with ``images``/``n``, any such set)."""
    images = data.natural_images("train") if images is None else images
    return watermark.unseen_patches(
        images, sampler, config["round_size"] if n is None else n, draw, size=config["patch"],
        clean_share=config["clean_share"], mask_weight=config["mask_weight"],
        gate_min_alpha=config["gate_min_alpha"])


def _validation_data(config: dict):
    """The fixed validation patches: the validation image(s), validation marks."""
    sampler = watermark.WatermarkSampler("val", seed=config["seed"] + 3)
    images = {n: data.natural_image(n) for n in config["val_images"]}
    return _round_data(config, sampler, 900, images=images, n=config["val_size"])


def _evaluate(model, val) -> dict:
    """Validation metrics of a remover on ``_validation_data``'s triple: RMSE inside the marks
    over the input's, the gate's average precision over pixels, and the mean PSNR change of
    the marked patches."""
    from sklearn.metrics import average_precision_score

    j, y, w = val
    pred = model.predict(j, verbose=0, batch_size=256)
    inside = w["clean"] > 1      # marked pixels (α > 0) of marked patches: mask_weight > 0
    truth = y["mask"][..., 0] > 0.5
    marked = inside.any(axis=(1, 2))
    return dict(
        mask_rmse_over_input=metrics.masked_rmse(y["clean"], pred["clean"], inside)
        / metrics.masked_rmse(y["clean"], j, inside),
        gate_average_precision=float(average_precision_score(truth.ravel(),
                                                             pred["mask"][..., 0].ravel())),
        # over the marked patches: an unmarked one's input is perfect (PSNR capped at 100 dB)
        psnr_change_marked_db=float(np.mean(metrics.psnr(y["clean"][marked], pred["clean"][marked])
                                            - metrics.psnr(y["clean"][marked], j[marked]))),
    )


def _folder(folder, config: dict) -> Path:
    if folder is None:
        return WEIGHTS / config["notebook"]
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder is {describe(folder)}; expected a path or None (beside the "
                        "notebook).")
    return Path(folder)


def paths(rounds: int, folder: Path | None = None, config: dict = WATERMARK):
    """The weights file and provenance file of the checkpoint after ``rounds`` rounds."""
    rounds = check_int("rounds", rounds, low=1)
    folder = _folder(folder, _check_config(config))
    stem = folder / f"rounds-{rounds:04d}"
    return stem.with_suffix(".weights.h5"), stem.with_suffix(".json")


def _versions() -> dict:
    import keras

    backend = keras.backend.backend()
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend)
    version = getattr(sys.modules.get(module), "__version__", "?") if module else "?"
    from importlib.metadata import version as installed

    out = dict(keras=keras.__version__, backend=backend, backend_version=version,
               python=platform.python_version())
    for package in ("numpy", "pillow", "scikit-image", "scikit-learn", "matplotlib"):
        out[package] = installed(package)
    return out


def _commit() -> dict:
    """The repository's commit and whether the working tree differed from it (or None)."""
    import subprocess

    def git(*args):
        try:
            done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                                  text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return dict(commit=head, changed_files=None if status is None else len(status.splitlines()))


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def train(folder: Path | None = None, *, config: dict = WATERMARK, overwrite: bool = False,
          print_every: int = 1) -> dict:
    """Train one run of ``config`` and save a checkpoint after each of its ``checkpoints``
    rounds into ``folder`` (default: beside the notebook). Returns ``{rounds: provenance}``.

    Refuses to overwrite an existing checkpoint unless ``overwrite``. Prints a line every
    ``print_every`` rounds. Seeds Python's, NumPy's and the backend's generators with the
    configuration's seed (as ``keras.utils.set_random_seed`` does).
    """
    import keras

    config = _check_config(config)
    overwrite = check_bool("overwrite", overwrite)
    print_every = check_int("print_every", print_every, low=1)
    _folder(folder, config)
    checkpoints = tuple(check_int("checkpoints", r, low=1) for r in config["checkpoints"])
    if not checkpoints or list(checkpoints) != sorted(set(checkpoints)):
        raise ValueError(f"config['checkpoints'] is {checkpoints!r}; expected increasing "
                         "round counts (at least one).")
    for key in ("round_size", "batch_size", "val_size"):
        check_int(f"config['{key}']", config[key], low=1)
    check_int("config['seed']", config["seed"], low=0)
    check_real("config['lr']", config["lr"], low=0, low_open=True)
    check_real("config['mask_weight']", config["mask_weight"], low=0, low_open=True,
               why="the validation metrics find the marks by their extra weight")
    targets = {r: paths(r, folder, config) for r in checkpoints}
    existing = [str(p) for pair in targets.values() for p in pair if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{existing[0]} exists; pass overwrite=True (--overwrite) to "
                              "replace the checkpoints, or choose another folder.")
    keras.utils.set_random_seed(config["seed"])
    model = build(config)
    total = checkpoints[-1]
    compile_remover(model, steps=total * training.steps_per_epoch(config["round_size"],
                                                                  config["batch_size"]),
                    lr=config["lr"], gate_weight=config["gate_weight"], floor=config["lr_floor"])
    digest = config_hash(config, model)
    images = {n: data.natural_image(n) for n in config["train_images"]}
    sampler = watermark.WatermarkSampler("train", seed=config["seed"])
    val = _validation_data(config)
    records, done, start = {}, 0, time.time()
    history = {"loss": [], "val_loss": []}
    for r in checkpoints:
        h = training.fit_on_fresh_data(
            model, lambda k, first=done: _round_data(config, sampler, first + k, images),
            rounds=r - done, batch_size=config["batch_size"],
            label=f"unseen-mark U-Net, rounds {done + 1}-{r} of {total}",
            print_every=print_every, seed=config["seed"] + done, validation=val)
        for key in history:
            history[key] += [float(v) for v in h.history[key]]
        done = r
        weights, record = targets[r]
        weights.parent.mkdir(parents=True, exist_ok=True)
        validation = _evaluate(model, val)
        bare = build(config)                   # the weights alone, not Adam's moments
        bare.set_weights(model.get_weights())
        partial = weights.with_name(weights.name + ".partial.weights.h5")
        bare.save_weights(partial)
        records[r] = dict(
            rounds=r, of_rounds=total, seed=config["seed"],
            wall_time_s=round(time.time() - start, 1), command=SCRIPT,
            trained=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            machine=dict(platform=platform.platform(), cores=os.cpu_count()),
            versions=_versions(), code=_commit(), config=_jsonable(config),
            config_hash=digest, weights_file=weights.name, weights_sha256=_sha256(partial),
            validation=validation,
            loss_per_round=history["loss"][:], val_loss_per_round=history["val_loss"][:])
        # both files replace the old pair only once both are written: a run stopped here
        # never leaves new weights beside an old provenance file
        partial_record = record.with_name(record.name + ".partial")
        partial_record.write_text(json.dumps(records[r], indent=1, ensure_ascii=False) + "\n")
        os.replace(partial, weights)
        os.replace(partial_record, record)
        print(f"saved {weights} ({records[r]['wall_time_s']:.0f} s so far); validation: "
              + ", ".join(f"{k} {v:.3f}" for k, v in records[r]["validation"].items()),
              flush=True)
    return records


def available(folder: Path | None = None, config: dict = WATERMARK) -> dict:
    """``{rounds: provenance}`` of the checkpoints saved in ``folder`` (default: beside the
    notebook), in order of rounds."""
    folder = _folder(folder, _check_config(config))
    found = {}
    for record in sorted(folder.glob("rounds-*.json")):
        info = json.loads(record.read_text())
        found[int(info["rounds"])] = info
    return dict(sorted(found.items()))


def load_checkpoint(model, rounds: int, *, folder: Path | None = None,
                    config: dict = WATERMARK) -> dict:
    """Load the checkpoint after ``rounds`` rounds into ``model`` (built like
    ``build(config)``: the library's builder or the notebook's own listing) and return its
    provenance. Raises when the checkpoint is missing or was trained for another
    configuration or architecture (the hash differs): retrain it with the script."""
    model = check_model("model", model)
    weights, record = paths(rounds, folder, config)
    if not record.exists() or not weights.exists():
        have = sorted(available(folder, config)) if record.parent.exists() else []
        raise FileNotFoundError(f"no checkpoint after {rounds} rounds in {record.parent} "
                                f"(found: {have or 'none'}); train it with `{SCRIPT}`.")
    info = json.loads(record.read_text())
    digest = config_hash(config, model)
    if info.get("config_hash") != digest:
        raise RuntimeError(
            f"{weights.name} was trained for configuration {info.get('config_hash')} and "
            f"this model and configuration hash to {digest}: the builder or the settings "
            f"changed since. Retrain the weights with `{SCRIPT} --overwrite`.")
    if info.get("weights_sha256") != _sha256(weights):
        raise RuntimeError(f"{weights.name} is not the file its provenance {record.name} "
                           f"describes (its sha256 differs); retrain with `{SCRIPT} "
                           "--overwrite`.")
    model.load_weights(weights)
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.pretrain", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(KINDS), help="which weights to train")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the checkpoints (default: beside the notebook)")
    parser.add_argument("--checkpoints", type=int, nargs="+", default=None,
                        help="rounds after which to save (default: the configuration's); the "
                             "last is the run's length, over which the learning rate decays, "
                             "and the list is hashed: the notebook loads only the default's")
    parser.add_argument("--round-size", type=int, default=None,
                        help="patches per round (a smaller budget; default: the "
                             "configuration's). Changes the hash: the notebook will not load "
                             "such weights from the default folder.")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace existing checkpoints in the folder")
    parser.add_argument("--print-every", type=int, default=5, help="rounds per progress line")
    args = parser.parse_args(argv)
    config = dict(KINDS[args.kind])
    if args.checkpoints is not None:
        config["checkpoints"] = tuple(args.checkpoints)
    if args.round_size is not None:
        config["round_size"] = args.round_size
    try:
        records = train(args.out, config=config, overwrite=args.overwrite,
                        print_every=args.print_every)
    except (FileExistsError, ValueError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{len(records)} checkpoints: {', '.join(str(r) for r in records)} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
