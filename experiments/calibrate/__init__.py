"""Bayesian calibration (ABC-SMC, pyabc) of a scenario against its pattern catalogue.

config.py reads a calibration file (scenario, catalogue, priors, ABC settings), distance.py
scales each pattern by its accepted range, sampler.py makes the result depend on the seed only,
run.py runs or resumes it and writes the posterior next to the scenario. `bopsim calibrate FILE`
is the command line; docs/calibration.md, "Bayesian calibration", describes the method.
"""
