# The two commands of the README: `make demo` and `make test`.
# Both create or reuse the virtualenv $(VENV) and install only what is missing.
# TEC_WHEELHOUSE=<folder> makes pip look there first for prebuilt wheels
# (mmcv 2.1.0 with ops); without it mmcv is built from source.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup demo test

setup:
	VENV=$(VENV) bash tools/setup_env.sh

demo: setup
	PYTHONUNBUFFERED=1 $(PY) tools/benchmarks/demo.py

test: setup
	$(PY) -m pytest tests $(PYTEST_ARGS)
