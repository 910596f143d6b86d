"""The course's own notebooks as assignments, graded (``make test-assignments``, run by
.ci/run; minutes, so ``make test`` skips it). For every notebook: the reference solutions
score full marks; the untouched student notebook runs to its last cell and scores zero; and
three cheating submissions score zero on every graded exercise — one that sets the
exercise's names to what the notebook already computed, one that hands in the lesson's own
model (or the library's piece) where a new one is asked, and one that replaces the check
helpers with functions that do nothing. For the last notebook, a wrong answer loses exactly
its exercise's point and a submission that raises still gets its rows. Fast mode, as
autograding uses. One test item per notebook, each with a course folder of its own, so that
``pytest -n 2`` grades two notebooks at once; sample submissions for trying ``make autograde``
come from ``python -m utils.machinery.assignments samples`` (README)."""

from __future__ import annotations

import os
import shutil

import nbformat
import pytest

from utils.machinery import assignments as A
from utils.machinery.runner import discover

pytestmark = pytest.mark.skipif(
    os.environ.get("AE_TEST_ASSIGNMENTS") != "1",
    reason="grades every course notebook five times (minutes): run by `make test-assignments`")

# What a student who wants the point without the work might hand in, per notebook and graded
# exercise (its number among the notebook's exercises).
REUSED = {      # names set to what the notebook already computed
    "01_basic_autoencoder": {3: "my_linear_autoencoder = lambda k: lin.autoencoder\n"
                                "my_linear = lin.autoencoder"},
    "02_stacked_autoencoders": {3: "my_greedy_step = lambda h_train, h_val, *args: (\n"
                                   "    enc[0], dec[0], h_train, h_val)"},
    "03_feature_detection_and_pretraining": {3: "MyKLSparsity = regularizers.KLSparsity\n"
                                                "my_sparse = aes['sparse KL']"},
    "04_denoising": {3: "my_conv_denoiser = lambda: denoisers['conv autoencoder']\n"
                        "mine = denoisers['conv autoencoder']"},
    "05_watermark_removal": {1: "my_unblend = lambda j, alpha, colour: site.clean[0]"},
    "06_vae_generation": {1: "MySampling = type(next(l for l in vae16.model.layers\n"
                             "                      if isinstance(l, vae.Sampling)))"},
    "07_autoencoders_at_work": {1: "my_simple_nll = lambda x: scores['VAE −ELBO']['normal']",
                                3: "def my_without(x, y, digit):\n    return x[y != digit]\n"
                                   "ae_ones = keras.models.clone_model(ae)\n"     # the lesson's data
                                   "ae_ones.compile(optimizer='adam', loss='binary_crossentropy')\n"
                                   "ae_ones.fit(x_train, x_train, epochs=EPOCHS, verbose=0)"},
}
LESSON = {      # the lesson's own model, or the library's piece, where a new one is asked
    "01_basic_autoencoder": {3: "def my_linear_autoencoder(k):\n"
                                "    return models.build_linear_autoencoder(code_dim=k).autoencoder\n"
                                "my_linear = lin.autoencoder"},
    "02_stacked_autoencoders": {3: "def my_greedy_step(h_train, h_val, width, activation, out, epochs):\n"
                                   "    parts, _ = training.train_greedy_layerwise(\n"
                                   "        h_train, h_val, (width,), epochs_per_layer=epochs)\n"
                                   "    enc = parts.encoder.get_layer('code')\n"
                                   "    return enc, parts.decoder.get_layer('reconstruction'), h_train, h_val"},
    "03_feature_detection_and_pretraining": {
        3: "class MyKLSparsity(regularizers.KLSparsity):\n    pass\n"
           "my_sparse = train_ae('sparse KL rho 0.2', penalty=regularizers.KLSparsity(0.2, KL_WEIGHT))"},
    "04_denoising": {3: "def my_conv_denoiser():\n"
                        "    return conv_denoiser(CONV_WIDTHS, mean_pixel)\n"
                        "mine = denoisers['conv autoencoder']"},
    "05_watermark_removal": {1: "my_unblend = watermark.invert_blend"},
    "06_vae_generation": {1: "class MySampling(vae.Sampling):\n    pass"},
    "07_autoencoders_at_work": {1: "my_simple_nll = lambda x: vae.neg_elbo(v, x)['neg_elbo']",
                                3: "def my_without(x, y, digit):\n    return x[y != digit]\n"
                                   "ae_ones = ae"},
}
STUB = ("from utils import exercises, report\n"
        "report.exercise_check = lambda *args, **kwargs: None\n"
        "for _name in exercises.__all__:\n"
        "    setattr(exercises, _name, lambda *args, **kwargs: None)\n")


def _stubbed(ex) -> str:
    """Check helpers replaced by functions that do nothing, and the names left empty."""
    return STUB + "".join(f"{name} = None\n" for name in ex.variables)


COURSE = discover(A.NOTEBOOK_DIR)
LAST = COURSE[-1].stem


@pytest.mark.parametrize("path", COURSE, ids=[p.stem for p in COURSE])
def test_notebook_graded_as_an_assignment(path, tmp_path):
    name = path.stem
    out, course, samples = tmp_path / "assignments", tmp_path / "grading", tmp_path / "samples"
    A.generate([path], out=out, course=course)
    variants = ("reference", "untouched") + (("wrong", "raises") if name == LAST else ())
    A.sample_submissions(samples, assignments=out, variants=variants)
    student = nbformat.read(out / name / f"{name}.ipynb", as_version=4)
    source = nbformat.read(out / name / "autograder" / f"{name}.ipynb", as_version=4)
    checked = [e for e in A.exercises(source) if e.check is not None]
    graded = {e.number for e in checked}
    assert set(REUSED[name]) == set(LESSON[name]) == graded, \
        f"{name}: a cheat for every graded exercise"
    for cheat, changes in (("cheat-reused", {e.grade_id: REUSED[name][e.number] for e in checked}),
                           ("cheat-lesson", {e.grade_id: LESSON[name][e.number] for e in checked}),
                           ("cheat-stubbed", {e.grade_id: _stubbed(e) for e in checked})):
        (samples / cheat).mkdir()
        nbformat.write(A.fill(student, source, changes), samples / cheat / f"{name}.ipynb")
    rows = A.autograde(samples, course=course, grades=tmp_path / "grades.csv",
                       feedback=tmp_path / "feedback")
    by = lambda student: [r for r in rows if r["student"] == student]  # noqa: E731
    assert by("reference") and all(r["points"] == r["max_points"] for r in by("reference")), \
        (name, by("reference"))
    for student in ("untouched", "cheat-reused", "cheat-lesson", "cheat-stubbed"):
        got = by(student)
        assert {r["exercise"] for r in got} == graded, (name, student, got)
        assert all(r["points"] == 0 for r in got), (name, student, got)
    done = nbformat.read(course / "autograded" / "untouched" / name / path.name, as_version=4)
    code = [c for c in done.cells if c.cell_type == "code"]
    assert code[-1].execution_count is not None, f"{name}: the student notebook stopped early"
    if name != LAST:
        return
    wrong, first = by("wrong"), checked[0]
    assert [r["points"] for r in wrong] == \
        [0.0 if r["exercise"] == first.number else r["max_points"] for r in wrong], wrong
    assert "float" in next(r for r in wrong if r["exercise"] == first.number)["message"]
    raises = by("raises")
    assert raises and "RuntimeError: a bug in the submission" in raises[0]["message"]


def test_student_bundle_installs_and_runs_from_a_fresh_copy(tmp_path):
    """The student bundle (``make assignments``) copied elsewhere: ``make install`` sets it up
    with nothing but its own files (PyPI, or pip's cache), ``utils`` comes from the copy, and
    a student notebook runs to its last cell in fast mode, the exercises raising
    NotImplementedError until they are done."""
    import subprocess
    import sys

    first = discover(A.NOTEBOOK_DIR)[0]
    out = tmp_path / "assignments"
    A.generate([first], out=out, course=tmp_path / "grading")
    copy = tmp_path / "copy"
    shutil.copytree(A.bundle(tmp_path / "bundle", assignments=out), copy)
    base = getattr(sys, "_base_executable", sys.executable)
    done = subprocess.run(["make", "-C", str(copy), "install", f"PYTHON={base}"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    python = copy / ".venv" / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import utils; print(utils.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.strip().startswith(str(copy / "utils")), where
    nb_path = copy / first.stem / first.name
    env = dict(os.environ, AE_MODE="fast")
    ran = subprocess.run([str(python), "-m", "jupyter", "nbconvert", "--to", "notebook",
                          "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=900",
                          "--output", str(tmp_path / "ran.ipynb"), str(nb_path)],
                         capture_output=True, text=True, cwd=nb_path.parent, env=env)
    assert ran.returncode == 0, ran.stderr[-3000:]
    nb = nbformat.read(tmp_path / "ran.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "ran to its last cell"
    errors = {o.ename for c in code for o in c.outputs if o.output_type == "error"}
    assert errors and errors <= {"NotImplementedError", "NameError", "ExerciseNotDone"}, errors
