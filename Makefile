# Two commands: `make run` (set up if needed, run the main job) and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test fuzz figures dashboard benchmark docking install-check clean screen posterior run-point run-air-support

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

# The outcomes `make run` and `make run-point` print (docs/calibration.md says what each measures).
# Left out because they take one value in every run of every variant: the allies kept (no ally
# of Iran is ever lost) and Hezbollah's home ground (it holds none; the Lebanese state does).
OUTCOMES := --outcome 'iran.power_share.final' --outcome 'iran.strategic_depth.final' --outcome 'model.bloc_balance.final' \
  --outcome 'isis.territory_km2.*' --outcome 'isis.settled_km2.*' --outcome 'isis.territory_lost.month' --outcome 'iran.strategic_depth.mean' \
  --outcome 'iran.bloc_share.mean' --outcome 'iran.forces_abroad.mean' --outcome 'axis.allies_km2.mean' \
  --outcome 'axis.corridor.mean' --outcome 'axis.home_lost_km2.mean' --outcome 'iraq.home_held.final' \
  --outcome 'syria.home_held.final' --outcome 'pmf.home_held.final' \
  --outcome 'iran.deterrence.*.mean' --outcome 'iran.*.russia.mean' --outcome 'balance.*.mean' --outcome 'iran.nearest_hostile_hops.mean'

# Each flagship writes to results/<experiment>-<hash>, the hash of the experiment, its scenarios, the
# posterior and the simulation's code (`bopsim batch --fingerprint`): rerunning
# the same experiment skips finished runs, and after a recalibration or a change of rules the runs go
# to a folder of their own beside the old one.
flagship = out=results/$(1)-$$($(VENV)/bin/bopsim batch experiments/configs/$(1).toml --fingerprint) && \
	$(VENV)/bin/bopsim batch experiments/configs/$(1).toml --out $$out && \
	$(VENV)/bin/bopsim compare $$out $(OUTCOMES)

# The flagship experiment over the posterior of the calibration (experiments/configs/levant_strategies_posterior.toml):
# 6 variants x 40 parameter sets drawn from scenarios/levant_2014.posterior x 5 seeds (1,200 runs, 6-9 minutes
# measured on two busy cores), then `compare` with P(sign).
run: $(STAMP)
	$(call flagship,levant_strategies_posterior)

# The same flagship at the scenario's single calibrated point (experiments/configs/levant_strategies.toml):
# 200 seeds per variant, intervals over seeds only (1,200 runs, 9 minutes measured on two busy cores).
run-point: $(STAMP)
	$(call flagship,levant_strategies)

# The same flagship at the best point found with the air-support rule on (ODD §7.5; tried, not
# adopted; experiments/configs/levant_strategies_air_support.toml): does any conclusion depend on
# air power only wearing the enemy down? 2.5 minutes on two idle cores.
run-air-support: $(STAMP)
	$(call flagship,levant_strategies_air_support)

# Which parameters the 2014-2016 patterns can inform (docs/calibration.md, "Which parameters are
# free"): the pattern screen at 800 points, seed 1 (3-8 minutes on two shared cores), and each factor's
# rank correlation and delta with its loss. Rerun after a model change, with `make figures` (figure 6:
# which parameters move the flagship's outcomes), then move the priors of
# experiments/configs/levant_calibration.toml to the factors either marks (its header gives both rules).
screen: $(STAMP)
	rm -f results/levant_pattern_screen.csv && mkdir -p results
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m bopsim.experiments.patterns.screen experiments/configs/levant_pattern_screen.toml --seeds 1 --workers 2 --out results/levant_pattern_screen.csv > /dev/null
	$(PY) -m bopsim.experiments.calibrate.informative experiments/configs/levant_pattern_screen.toml results/levant_pattern_screen.csv

# The Bayesian calibration of the Levant scenario redone from scratch (docs/calibration.md, "Bayesian
# calibration"): ABC-SMC over the free parameters, then 200 posterior-predictive runs to the end
# of 2019 (the check on every 2014-2016 pattern and the 2017-2019 forecast) and the figure of
# marginals and pairs, all into scenarios/levant_2014.posterior/ (about 15 minutes on two cores, more when
# they are shared with other jobs).
# The stored database is removed first: the model's code is not part of its fingerprint.
POSTERIOR := scenarios/levant_2014.posterior
posterior: $(STAMP)
	rm -f $(POSTERIOR)/abc.db $(POSTERIOR)/calibration.json
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VENV)/bin/bopsim calibrate experiments/configs/levant_calibration.toml --executor process --workers 2 --check 200 --no-progress

test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest

# The input fuzz of tests/test_fuzz.py with many more examples (about 20 minutes on two cores).
fuzz: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 BOPSIM_FUZZ_EXAMPLES=2000 HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -q tests/test_fuzz.py

figures: $(STAMP)
	$(VENV)/bin/bopsim figures --out figures

dashboard: $(STAMP)
	$(VENV)/bin/bopsim dashboard

# Docking of the classic models (docs/docking.md): every experiment in experiments/configs/docking,
# then the tables, timings and war-size figure in docs/docking_results.md (about 40 min on two cores).
docking: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m bopsim.experiments.docking.protocol --out results/docking --docs docs

benchmark: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) benchmarks/run_all.py

# `pip install .` into a fresh virtual environment: only bopsim/ and its dist-info land in
# site-packages, `import model` fails, the bopsim command runs (scripts/check-install; a few minutes).
install-check:
	scripts/check-install

clean:
	rm -rf out results figures
