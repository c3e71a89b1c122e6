"""`bopsim calibrate`: calibration files, the scaled distance, and ABC-SMC on a tiny world whose
true parameter is known (recovered, the same on every executor, the same when resumed)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bopsim.experiments.calibrate.config import load_calibration
from bopsim.experiments.calibrate.distance import Scales, deviations, distance
from bopsim.experiments.calibrate.run import calibrate, posterior, summary_table
from bopsim.experiments.cli import main
from bopsim.experiments.patterns.catalogue import Catalogue
from bopsim.model.errors import UsageError
from worlds import actor, line_world, write_toml

TRUE_CAPABILITY = 20.0
"""The parameter the synthetic observations were made with: b's capability in January 2014.
In this world b's capability in July 2014 is 0.89 x its January value (a run at 20 gives 17.8
units = 17,800 fighters), so the accepted range 16,000-19,600 fighters pins it near 20."""

CATALOGUE = """
[actors]
b = "b"

[[pattern]]
id = "b_fighters_2014_07"
kind = "fighters"
actors = ["b"]
date = "2014-07"
low = 16000.0
high = 19600.0
sources = ["synthetic.csv:1"]
organisation = "a run of this world at capability 20"
observed = "17,800 fighters"
basis = "the simulated value +- 10%"
"""


def _calibration_file(tmp_path: Path, priors: str | None = None, abc: str = "population = 8\ngenerations = 3") -> Path:
    world = line_world(["r0", "r1", "r2"], [actor("a", capability=30.0, home=["r0", "r1"]),
                                            actor("b", kind="non_state", capability=10.0, home=["r2"])],
                       relations=(("a", "b", -0.8),), steps=8)
    write_toml(world, tmp_path / "tiny.toml")
    (tmp_path / "patterns.toml").write_text(CATALOGUE, encoding="utf-8")
    priors = priors if priors is not None else (
        '[[prior]]\npath = "actor.b.capability"\nlow = 5.0\nhigh = 40.0\nreason = "wide: a test"\n')
    path = tmp_path / "calibration.toml"
    path.write_text(f'name = "tiny"\nscenario = "tiny.toml"\npatterns = "patterns.toml"\nroot_seed = 7\nsteps = 7\n'
                    f"[abc]\n{abc}\n{priors}", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- files and errors


def test_priors_are_read_with_their_reasons(tmp_path):
    calibration = load_calibration(_calibration_file(tmp_path))
    (prior,) = calibration.spec.prior
    assert (prior.path, prior.low, prior.high, prior.distribution) == ("actor.b.capability", 5.0, 40.0, "uniform")
    assert calibration.out == tmp_path / "tiny.posterior"
    # pyabc proposes quantiles u in [0, 1]: 5 + 0.5 x 35 = 22.5; log-uniform 1..100 at 0.5 is 10
    assert prior.value(0.5) == pytest.approx(22.5)
    log_prior = prior.model_copy(update={"low": 1.0, "high": 100.0, "distribution": "loguniform"})
    assert log_prior.value(0.5) == pytest.approx(10.0) and log_prior.value(1.0) == pytest.approx(100.0)
    # pyabc proposes standard-normal scores z: Phi(0) = 0.5 gives 22.5; Phi(1.6449) = 0.95 gives
    # 5 + 0.95 x 35 = 38.25; any score, however far out, stays inside the range
    assert prior.at_normal(0.0) == pytest.approx(22.5) and prior.at_normal(1.6449) == pytest.approx(38.25, abs=1e-3)
    assert 5.0 <= prior.at_normal(-40.0) < prior.at_normal(40.0) <= 40.0


def test_a_prior_from_zero_gives_zero_where_a_file_would_refuse_a_tiny_number(tmp_path):
    prior = load_calibration(_calibration_file(tmp_path)).spec.prior[0].model_copy(update={"low": 0.0, "high": 1.0})
    # Phi(-7) = 1.3e-12 would be 1.3e-12, nearer to 0 than a scenario file takes (1e-9): it is 0;
    # Phi(-5) = 2.9e-7 stays as it is
    assert prior.at_normal(-7.0) == 0.0
    assert prior.at_normal(-5.0) == pytest.approx(2.867e-7, rel=1e-3)
    assert list(prior.at_normal(np.array([-7.0, 0.0]))) == [0.0, 0.5]


@pytest.mark.parametrize("df", [math.inf, 5.0])
def test_the_proposal_draws_from_the_density_it_reports(df):
    from bopsim.experiments.calibrate.transition import FittedProposal

    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(400, 2)) * [1.0, 0.5] + [2.0, -1.0], columns=["a", "b"])
    proposal = FittedProposal(scaling=1.2, df=df)
    proposal.X = X
    proposal.fit(X, np.full(400, 1 / 400))
    # shape = 1.2 x the sample covariance; the t's covariance is df / (df - 2) times its shape
    inflation = 1.0 if math.isinf(df) else df / (df - 2)
    np.random.seed(0)
    draws = pd.DataFrame([proposal.rvs_single() for _ in range(4000)])
    assert np.cov(draws.to_numpy(), rowvar=False) == pytest.approx(1.2 * inflation * np.cov(X.to_numpy(), rowvar=False), rel=0.15, abs=0.02)
    # the density integrates to 1 (Riemann sum on a grid 8 sd wide); at the centre, in two
    # dimensions, the Gaussian's is 1 / (2 pi sqrt(det S)) and so is the t's with shape S:
    # Gamma(df/2 + 1) / (Gamma(df/2) df pi sqrt(det S)) = (df/2) / (df pi sqrt(det S))
    a, b = np.meshgrid(np.linspace(-6, 10, 321), np.linspace(-5, 3, 161))
    grid = pd.DataFrame({"a": a.ravel(), "b": b.ravel()})
    assert proposal.pdf(grid).sum() * 0.05 * 0.05 == pytest.approx(1.0, abs=0.01)
    shape = 1.2 * np.cov(X.to_numpy(), rowvar=False)
    centre = pd.Series({"a": proposal.mean[0], "b": proposal.mean[1]})
    assert proposal.pdf(centre) == pytest.approx(1 / (2 * np.pi * np.sqrt(np.linalg.det(shape))))


@pytest.mark.parametrize(("prior", "message"), [
    ('path = "actor.b.capability"\nlow = 40.0\nhigh = 5.0\nreason = "x"', r"prior\.0: low \(40.0\) must be below high"),
    ('path = "actor.b.capability"\nlow = 0.0\nhigh = 5.0\ndistribution = "loguniform"\nreason = "x"', "loguniform prior needs low > 0"),
    ('path = "actor.b.capability"\nlow = 1.0\nhigh = 5.0', r"prior\.0\.reason: missing"),
    ('path = "actor.zz.capability"\nlow = 1.0\nhigh = 5.0\nreason = "x"', r"prior\[0\]\.path: actor\.zz\.capability: no actor 'zz'"),
    ('path = "parameters.nonsense"\nlow = 1.0\nhigh = 5.0\nreason = "x"', r"unknown model parameter 'nonsense'"),
])
def test_bad_priors_are_one_line_naming_the_file_and_field(tmp_path, prior, message):
    path = _calibration_file(tmp_path, f"[[prior]]\n{prior}\n")
    with pytest.raises(UsageError, match=message) as error:
        load_calibration(path)
    assert str(error.value).startswith(str(path)) and "\n" not in str(error.value)


FORECAST = ('[forecast]\nsteps = 40\n[[forecast.quantity]]\nid = "b_fighters_2017"\nlabel = "b fighters, Feb 2017"\n'
            'kind = "fighters"\nactors = ["b"]\ndate = "2017-03"\n')


@pytest.mark.parametrize(("forecast", "message"), [
    (FORECAST.replace("2017-03", "2016-06"), r"forecast\.quantity\.0: date 2016-06 is not after 2017-01"),
    (FORECAST.replace('kind = "fighters"', 'kind = "battle_deaths"'), "forecast\\.quantity\\.0: kind battle_deaths takes no actors"),
    (FORECAST.replace('actors = ["b"]', 'actors = ["zz"]'), r"forecast\.quantity\[b_fighters_2017\]\.actors: 'zz' is not in"),
    (FORECAST.replace('kind = "fighters"\nactors = ["b"]\ndate = "2017-03"', 'kind = "battle_deaths"\ncountry = "IRQ"\nyear = 2016'),
     r"year: Input should be greater than 2016"),
])
def test_a_forecast_names_only_what_the_data_do_not_cover(tmp_path, forecast, message):
    path = _calibration_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + forecast, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as error:
        load_calibration(path)
    assert str(error.value).startswith(str(path)) and "\n" not in str(error.value)


def test_a_bad_transition_scaling_is_refused(tmp_path):
    with pytest.raises(UsageError, match=r"abc\.transition_scaling: Input should be greater than 0"):
        load_calibration(_calibration_file(tmp_path, abc="transition_scaling = 0"))


def test_cli_refuses_a_bad_file_with_exit_2_and_writes_nothing(tmp_path, capsys):
    path = _calibration_file(tmp_path, '[[prior]]\npath = "actor.b.capability"\nlow = 9.0\nhigh = 1.0\nreason = "x"\n')
    assert main(["calibrate", str(path), "--executor", "serial", "--no-progress"]) == 2
    assert "must be below high" in capsys.readouterr().err
    assert not (tmp_path / "tiny.posterior").exists()


# ----------------------------------------------------------------------------- the distance


def _scales() -> Scales:
    raw = {"actors": {"x": "x"}, "pattern": [
        {"id": "share", "kind": "region_share", "regions": ["r"], "actors": ["x"], "date": "2014-07", "low": 0.3, "high": 0.76},
        {"id": "change", "kind": "share_change", "regions": ["r"], "actors": ["x"], "before": "2014-05",
         "after": "2014-11", "low": 0.2},
        {"id": "deaths", "kind": "battle_deaths", "country": "IRQ", "year": 2014, "low": 20000.0, "high": 80000.0},
    ]}
    for p in raw["pattern"]:
        p |= {"sources": ["f.csv:1"], "organisation": "o", "observed": "o", "basis": "b"}
    return Scales.of(Catalogue.model_validate(raw))


def test_each_statistic_is_scaled_by_its_kind_of_range():
    z = deviations({"share": 0.8, "change": 0.1, "deaths": 160000.0}, _scales())
    # share: 0.04 above 0.76, over 0.15; change: 0.1 short of "at least 0.2", over 0.1;
    # deaths: 160,000 is one doubling above 80,000
    assert z == pytest.approx([0.04 / 0.15, 1.0, 1.0])
    assert deviations({"share": 0.5, "change": 0.5, "deaths": 40000.0}, _scales()) == pytest.approx([0, 0, 0])


def test_distance_is_the_mean_and_a_missing_statistic_counts_the_cap():
    # (0.04 / 0.15 + 0 + 0) / 3
    assert distance({"share": 0.8, "change": 0.3, "deaths": 40000.0}, _scales()) == pytest.approx(0.04 / 0.15 / 3)
    assert deviations({"share": 0.53, "change": math.nan, "deaths": 40000.0}, _scales())[1] == 3.0


def test_the_observation_stored_is_the_centre_of_each_range():
    # share: (0.3 + 0.76) / 2; change: its one bound; deaths: sqrt(20,000 x 80,000) = 40,000
    assert _scales().observed() == pytest.approx({"share": 0.53, "change": 0.2, "deaths": 40000.0})


# ----------------------------------------------------------------------------- ABC-SMC on a tiny world


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("serial")
    calibration = load_calibration(_calibration_file(root))
    report = calibrate(calibration, root / "posterior", "serial", progress=False)
    return calibration, report


def test_the_known_parameter_is_recovered(serial_run):
    calibration, report = serial_run
    values, weights = posterior(report.out)
    row = summary_table(values, weights).iloc[0]
    # the prior is 5..40 (median 22.5, 90% interval 6.75..38.25); the posterior must sit near 20
    # and be much narrower: observations 16,000..19,600 fighters mean 18..22 units in January
    assert abs(row["median"] - TRUE_CAPABILITY) < 3.0
    assert row["q95"] - row["q05"] < 0.4 * (38.25 - 6.75)
    generations = pd.read_csv(report.out / "generations.csv")
    assert generations["generation"].tolist() == [0, 1, 2]
    assert (np.diff(generations["epsilon"]) < 0).all(), "the threshold falls generation by generation"
    assert ((generations["effective_sample_size"] >= 1) & (generations["effective_sample_size"] <= 8 + 1e-9)).all()


def test_effective_sample_size_by_hand():
    from bopsim.experiments.calibrate.run import effective_sample_size

    # (3 + 1)^2 / (9 + 1) = 1.6; equal weights: n
    assert effective_sample_size(np.array([3.0, 1.0])) == pytest.approx(1.6)
    assert effective_sample_size(np.full(5, 0.2)) == pytest.approx(5.0)


def test_the_process_executor_gives_the_same_posterior(serial_run, tmp_path):
    calibration, report = serial_run
    other = calibrate(calibration, tmp_path / "posterior", "process", workers=2, progress=False)
    assert (other.out / "particles.csv").read_bytes() == (report.out / "particles.csv").read_bytes()


def test_a_resumed_calibration_continues_to_the_same_posterior(serial_run, tmp_path):
    _, report = serial_run
    path = _calibration_file(tmp_path)
    first = calibrate(load_calibration(path, generations=1), tmp_path / "posterior", "serial", progress=False)
    assert first.generations == 1
    resumed = calibrate(load_calibration(path), tmp_path / "posterior", "serial", progress=False)
    assert (resumed.generations, resumed.ran) == (3, 2)
    assert (resumed.out / "particles.csv").read_bytes() == (report.out / "particles.csv").read_bytes()


def test_a_folder_of_another_calibration_is_refused(serial_run, tmp_path):
    _, report = serial_run
    path = _calibration_file(tmp_path, abc="population = 9\ngenerations = 1")
    with pytest.raises(UsageError, match="holds another calibration"):
        calibrate(load_calibration(path), report.out, "serial", progress=False)


def test_the_posterior_predicts_the_observation_it_was_fitted_to(serial_run):
    from bopsim.experiments.calibrate.check import band_table, check_runs
    from bopsim.experiments.calibrate.run import catalogue_at

    calibration, report = serial_run
    runs = check_runs(calibration, *posterior(report.out), draws=12)
    table = band_table(runs, Scales.of(catalogue_at(str(calibration.patterns_file))))
    row = table.iloc[0]
    # the observation is the geometric centre of 16,000-19,600: sqrt(16,000 x 19,600) = 17,709 fighters
    assert row["observed"] == pytest.approx(17709, abs=1)
    assert row["inside"] and row["q05"] < row["observed"] < row["q95"]
    assert 14000 < row["q05"] and row["q95"] < 22000, "the band is narrow: the posterior is narrow"


def test_the_forecast_runs_longer_without_changing_the_checked_months(serial_run, tmp_path):
    from bopsim.experiments.calibrate.check import check_runs
    from bopsim.experiments.calibrate.forecast import forecast_table

    calibration, report = serial_run
    path = tmp_path / "calibration.toml"
    path.write_text(calibration.path.read_text(encoding="utf-8").replace("tiny.toml", str(calibration.scenario_file))
                    .replace("patterns.toml", str(calibration.patterns_file)) + FORECAST, encoding="utf-8")
    longer = load_calibration(path)
    draws = posterior(report.out)
    short, long = check_runs(calibration, *draws, draws=6), check_runs(longer, *draws, draws=6)
    # the same draws and seeds: the first 7 months of a 40-month run are the 7-month run
    assert long["b_fighters_2014_07"].tolist() == short["b_fighters_2014_07"].tolist()
    table = forecast_table(long, longer.spec.forecast)
    assert table["runs"].tolist() == [6] and table["label"].tolist() == ["b fighters, Feb 2017"]
    assert table.loc[0, "q05"] <= table.loc[0, "median"] <= table.loc[0, "q95"]
    assert table.loc[0, "median"] == pytest.approx(long["b_fighters_2017"].median())


def test_the_posterior_figure_is_drawn_on_the_prior_range(serial_run, tmp_path):
    from bopsim.experiments.calibrate.figure import posterior_figure

    calibration, report = serial_run
    files = posterior_figure(*posterior(report.out), calibration.spec.prior, tmp_path)
    assert [f.name for f in files] == ["posterior.pdf", "posterior.png"] and all(f.stat().st_size > 1000 for f in files)


def test_the_posterior_figure_labels_ticks_in_plain_numbers():
    from bopsim.experiments.calibrate.figure import _plain

    # two significant digits, no exponent: deaths per unit at the 10% quantile of 250-2,000 log-uniform
    # is 250 x 8^0.1 = 308.5 -> "310" (it was "3.1e+02"), at 90% 1,621 -> "1600"
    assert [_plain(v) for v in (308.5, 1621.3, 0.0672, 15.0)] == ["310", "1600", "0.067", "15"]


@pytest.mark.slow
def test_the_levant_calibration_runs_end_to_end_in_a_quick_setting(tmp_path, capsys):
    config = Path(__file__).resolve().parents[1] / "experiments" / "configs" / "levant_calibration.toml"
    code = main(["calibrate", str(config), "--population", "3", "--generations", "1", "--executor", "serial",
                 "--out", str(tmp_path / "posterior"), "--no-progress"])
    assert code == 0
    assert "1 generations stored (1 run now" in capsys.readouterr().out
    particles = pd.read_csv(tmp_path / "posterior" / "particles.csv")
    assert len(particles) == 3 and particles["weight"].gt(0).all()
    assert len(particles.columns) == 3 + len(load_calibration(config).spec.prior)
