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

# The flagship experiment (experiments/configs/levant_strategies.toml): 6 variants x 200
# replications (1,200 runs, under 2 minutes on two cores); rerunning into the same folder skips finished runs.
run: $(STAMP)
	$(VENV)/bin/bopsim batch experiments/configs/levant_strategies.toml --out results/levant_strategies
	$(VENV)/bin/bopsim compare results/levant_strategies --outcome 'iran.power_share.final' --outcome 'iran.strategic_depth.final' --outcome 'model.bloc_balance.final' --outcome 'isis.territory_km2.*' --outcome 'isis.territory_lost.month'

test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest

figures: $(STAMP)
	$(VENV)/bin/bopsim figures --out figures

dashboard: $(STAMP)
	$(VENV)/bin/bopsim dashboard

benchmark: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) benchmarks/run_all.py

clean:
	rm -rf out results figures
