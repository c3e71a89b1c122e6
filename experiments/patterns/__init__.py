"""Pattern-oriented checks of the Levant scenario on 2014-2016 (Grimm et al. 2005, Science 310:987-991).

catalogue.py reads the pattern file (scenarios/levant_patterns.toml), evaluate.py computes each
pattern's value in one run, fit.py runs a scenario over seeds and tabulates the fit (median over
seeds); `python -m bopsim.experiments.patterns SCENARIO --seeds 1-10` prints it. docs/patterns.md
describes each pattern, its source and its range.
"""
