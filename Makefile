# Two commands: `make run` (set up if needed, run the main job) and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test figures dashboard benchmark clean

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/bopsim run scenarios/abstract.toml --seed 1 --out out/abstract

test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest

figures: $(STAMP)
	$(VENV)/bin/bopsim figures --out figures

dashboard: $(STAMP)
	$(VENV)/bin/bopsim dashboard

benchmark: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf out results figures
