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

.PHONY: help install course test lab outputs clean

help:
	@echo "make course   set up .venv, run every notebook (full mode) into build/"
	@echo "make test     set up .venv, run the unit tests and every notebook (fast mode, nbval)"
	@echo "make lab      set up .venv, open JupyterLab on the notebooks"
	@echo "make outputs  maintainers: re-run every notebook in full mode and store its outputs"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else \
		"Python 3.11 is needed (found %d.%d at $(PYTHON)); install it or run make PYTHON=/path/to/python3.11" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

course: $(STAMP)
	$(BIN)/python -m utils.course $(if $(MODE),--mode $(MODE)) $(if $(ONLY),--only $(ONLY))

test: $(STAMP)
	AE_MODE=fast $(BIN)/python -m pytest -v tests notebooks

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

outputs: $(STAMP)
	$(BIN)/python -m utils.course --mode full --store $(if $(ONLY),--only $(ONLY))

clean:
	rm -rf build
