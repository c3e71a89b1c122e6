"""The controls: scenario and variant, seed, global parameters, actors on and off, relations and
ties, strategies;
reset, step, play at a chosen speed, run to a month, scrub back through the months kept; save
the edited set-up as a variant file.

Selections and edits are pending until Reset, which rebuilds the run from them; a value that
cannot be used leaves the current run as it is and shows one line in the page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import solara

from model.scenario import ActorSpec, RelationSpec, ScenarioError, ScenarioSpec, TieSpec, load
from viz.catalogue import Catalogue
from viz.parameters import ParameterControl, control_for, parameter_controls
from viz.setup import Edits, StrategyRows, behaviour_fields, behaviour_names, pair, rows_from_strategy
from viz.state import start_run
from viz.variant import save_variant

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0)
"""Playback speeds offered, months per second (a month on Levant takes about 0.1 s to compute)."""


@solara.component
def Controls(catalogue: Catalogue, run: solara.Reactive, revision: solara.Reactive, message: solara.Reactive,
             shown: solara.Reactive, on_saved: Callable[[], None] = lambda: None):
    """Pick, edit and drive a run; `run`, `revision`, `message` and `shown` (month shown, None = latest)
    are shared with the views."""
    base = solara.use_reactive(catalogue.default())
    variant = solara.use_reactive("baseline")
    seed_text = solara.use_reactive("1")
    edits = solara.use_reactive(Edits())
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(2.0)
    target = solara.use_reactive(None)
    step_lock = solara.use_memo(threading.Lock, [])
    choices = catalogue.choices(base.value) if base.value else {}
    path = choices.get(variant.value) or next(iter(choices.values()), None)
    spec, load_error = solara.use_memo(lambda: _load(path), [path])
    load_error = load_error and catalogue.relative(load_error)

    def reset() -> None:
        playing.set(False)
        if path is None:
            message.set(f"no scenario files in the scenario folder ({catalogue.folder.name}/)")
            return
        try:
            started = start_run(path, seed_text.value, edits.value)
        except (ScenarioError, ValueError) as exc:
            message.set(catalogue.relative(str(exc)))
            return
        message.set(None)
        shown.set(None)
        run.set(started)
        revision.set(0)

    def step() -> None:
        if run.value is not None and run.value.step():
            shown.set(None)
            revision.set(revision.value + 1)

    def play(cancel: threading.Event) -> None:
        while not cancel.is_set():
            with step_lock:  # Pause waits for a month in progress, so none runs after it
                if not playing.value:
                    return
                done = target.value is not None and run.value is not None and run.value.model.steps >= target.value
                stepped = not done and run.value is not None and run.value.step()
            if not stepped:
                playing.set(False)
                target.set(None)
                return
            shown.set(None)
            revision.set(revision.value + 1)
            cancel.wait(1.0 / speed.value)

    def play_or_pause() -> None:
        with step_lock:
            target.set(None)
            playing.set(not playing.value)

    def run_to(month: int | None) -> None:
        if run.value is None or month is None:
            return
        if not 0 <= month <= run.value.model.horizon:
            message.set(f"run to month: must be between 0 and {run.value.model.horizon}, got {month}")
            return
        message.set(None)
        with step_lock:
            target.set(month)
            playing.set(True)

    solara.use_effect(reset, [])
    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)

    def pick_base(name: str) -> None:
        base.set(name)
        variant.set("baseline")
        edits.set(Edits())

    with solara.Card("Scenario"):
        solara.Select("scenario", value=base.value, values=list(catalogue.bases), on_value=pick_base)
        solara.Select("variant", value=variant.value, values=list(choices), on_value=variant.set)
        solara.InputText("seed", value=seed_text, continuous_update=True)
        for problem in catalogue.problems:
            solara.Warning(catalogue.relative(problem), dense=True)
    with solara.Card("Run"):
        RunButtons(run, revision, playing, reset, step, play_or_pause)
        TimeControls(run, revision, shown, speed, run_to)
        if run.value is not None and not run.value.built_from(path, seed_text.value, edits.value):
            solara.Info("Changes apply on Reset.", dense=True, classes=["bopsim-pending"])
        if message.value:
            solara.Error(message.value, classes=["bopsim-message"])
    if load_error:
        solara.Error(load_error, classes=["bopsim-message"])
    elif spec is not None:
        ParameterControls(spec, edits.value.parameters,
                          lambda values: edits.set(replace(edits.value, parameters=values)))
        ActorSwitches(spec, edits.value.disabled, lambda off: edits.set(replace(edits.value, disabled=off)))
        RelationsEditor(spec, edits.value, edits.set)
        ActorStrategies(spec, edits.value.strategies,
                        lambda actor, rows: edits.set(replace(edits.value, strategies=_with(edits.value.strategies, actor, rows))))
        SaveVariant(path, edits.value, on_saved)


@solara.component
def RunButtons(run: solara.Reactive, revision: solara.Reactive, playing: solara.Reactive,
               reset: Callable[[], None], step: Callable[[], None], play_or_pause: Callable[[], None]):
    """Reset, Step, Play/Pause; re-rendered on every step (Step is disabled at the horizon).

    `revision` counts the months stepped since the last reset, so it is the model's step.
    """
    running = run.value is not None and revision.value < run.value.model.horizon
    with solara.Row():
        solara.Button("Reset", color="primary", on_click=reset, classes=["bopsim-reset"])
        solara.Button("Step", on_click=step, disabled=playing.value or not running, classes=["bopsim-step"])
        solara.Button("Pause" if playing.value else "Play", on_click=play_or_pause,
                      disabled=not running and not playing.value, classes=["bopsim-play"])


@solara.component
def TimeControls(run: solara.Reactive, revision: solara.Reactive, shown: solara.Reactive, speed: solara.Reactive,
                 run_to: Callable[[int | None], None]):
    """Playback speed, run to month N, and the month slider over the months kept."""
    month_text = solara.use_reactive(None)
    solara.Select("speed (months per second)", value=speed, values=list(SPEEDS))
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt("run to month", value=month_text, optional=True, classes=["bopsim-run-to"])
        solara.Button("Go", on_click=lambda: run_to(month_text.value), classes=["bopsim-run-to-go"])
    if run.value is not None and revision.value > 0:
        latest = len(run.value.history) - 1
        solara.SliderInt("month shown", value=latest if shown.value is None else shown.value, min=0, max=latest,
                         on_value=lambda k: shown.set(None if k >= latest else k), tick_labels=False)


def _load(path: Path | None) -> tuple[ScenarioSpec | None, str | None]:
    if path is None:
        return None, None
    try:
        return load(path), None
    except ScenarioError as exc:
        return None, str(exc)


def _with(edits: dict, actor: str, rows: StrategyRows | None) -> dict:
    """`edits` with the rows of `actor` replaced (None drops the actor's edits)."""
    out = {k: v for k, v in edits.items() if k != actor}
    if rows is not None:
        out[actor] = rows
    return out


@solara.component
def ParameterControls(spec: ScenarioSpec, values: dict, on_values: Callable[[dict], None]):
    """Every global parameter: a slider or number field with its range, unit and meaning."""
    controls = solara.use_memo(parameter_controls, [])
    problem, set_problem = solara.use_state(None)

    def change(control: ParameterControl, value: float | None) -> None:
        if value is None:
            return
        error = control.check(float(value))
        set_problem(error)
        if error is None:
            current = getattr(spec.parameters, control.name)
            rest = {k: v for k, v in values.items() if k != control.name}
            on_values(rest if float(value) == current else {**rest, control.name: float(value)})

    changed = f" ({len(values)} changed)" if values else ""
    with solara.Card(f"Global parameters{changed}", classes=["bopsim-parameters"]):
        with solara.Details(summary="show the model's global parameters"):
            for control in controls:
                value = values.get(control.name, getattr(spec.parameters, control.name))
                label = control.name + (f" ({control.unit})" if control.unit else "") + (" *" if control.name in values else "")
                if control.slider:
                    solara.Text(f"{label} = {value:g}", style={"font-size": "0.9em"})
                    solara.SliderFloat("", value=value, min=control.low, max=control.high, step=control.step,
                                       on_value=lambda v, c=control: change(c, v))
                else:
                    solara.InputFloat(label, value=value, on_value=lambda v, c=control: change(c, v), dense=True,
                                      classes=[f"bopsim-parameter-{control.name}"])
                solara.Text(f"{control.meaning}. Range: {control.range_text()}.",
                            style={"font-size": "0.8em", "color": "#555", "margin-bottom": "6px"})
            if values:
                solara.Button("Undo parameter edits", text=True, on_click=lambda: on_values({}))
        if problem:
            solara.Error(problem, dense=True, classes=["bopsim-message"])


@solara.component
def ActorSwitches(spec: ScenarioSpec, disabled: frozenset, on_disabled: Callable[[frozenset], None]):
    """A switch per actor of the scenario: off drops it, its relations, ties and events on Reset."""
    with solara.Card("Actors", classes=["bopsim-actors"]):
        with solara.Details(summary=f"switch actors on and off ({len(disabled)} off)"):
            for actor in spec.actor:
                solara.Checkbox(label=f"{actor.name or actor.id} ({actor.id})", value=actor.id not in disabled,
                                on_value=lambda on, a=actor.id: on_disabled(disabled - {a} if on else disabled | {a}))


@solara.component
def RelationsEditor(spec: ScenarioSpec, edits: Edits, on_edits: Callable[[Edits], None]):
    """Pick two actors: set their relation (-1 hostile to 1 friendly) and their tie strength (0 to 1)."""
    ids = [a.id for a in spec.actor]
    first = solara.use_reactive(ids[0])
    second = solara.use_reactive(ids[1] if len(ids) > 1 else ids[0])
    key = pair(first.value, second.value)
    given = {pair(r.a, r.b): r.value for r in spec.relation}
    strengths = {pair(t.a, t.b): t.strength for t in spec.tie}
    limits = {name: control_for(name, info) for name, info in
              (("value", RelationSpec.model_fields["value"]), ("strength", TieSpec.model_fields["strength"]))}

    def set_value(kind: str, value: float) -> None:
        current = dict(getattr(edits, kind))
        start = (given if kind == "relations" else strengths).get(key, 0.0)
        if value == start:
            current.pop(key, None)
        else:
            current[key] = float(value)
        on_edits(replace(edits, **{kind: current}))

    changed = len(edits.relations) + len(edits.ties)
    with solara.Card("Relations and ties", classes=["bopsim-relations"]):
        with solara.Details(summary=f"edit a pair of actors ({changed} changed)"):
            solara.Select("actor A", value=first, values=ids)
            solara.Select("actor B", value=second, values=ids)
            if first.value == second.value:
                solara.Text("Pick two different actors.")
                return
            for kind, label, name, values in (("relations", "relation", "value", given), ("ties", "tie strength", "strength", strengths)):
                limit = limits[name]
                value = getattr(edits, kind).get(key, values.get(key, 0.0))
                solara.Text(f"{label} {key[0]}-{key[1]} = {value:g}", style={"font-size": "0.9em"})
                solara.SliderFloat("", value=value, min=limit.low, max=limit.high, step=0.05,
                                   on_value=lambda v, kind=kind: set_value(kind, v))
            solara.Text("Relation: -1 hostile to 1 friendly; tie: 0 none to 1 full alliance. "
                        "Edited pairs are sourced as counterfactuals.", style={"font-size": "0.8em", "color": "#555"})


@solara.component
def SaveVariant(path: Path | None, edits: Edits, on_saved: Callable[[], None]):
    """Save the pending edits as a variant file next to the scenario (extends it; changes only)."""
    name = solara.use_reactive("")
    result, set_result = solara.use_state(None)

    def save() -> None:
        try:
            saved = save_variant(path, name.value.strip(), edits)
        except ValueError as exc:
            set_result(("error", str(exc)))
            return
        set_result(("saved", f"Saved {saved.name}: `bopsim run {saved.name}` runs it; it is listed under variant."))
        on_saved()

    with solara.Card("Save as variant", classes=["bopsim-save"]):
        with solara.Row(style={"align-items": "center"}):
            solara.InputText("variant name", value=name, continuous_update=True)
            solara.Button("Save", on_click=save, disabled=path is None, classes=["bopsim-save-variant"])
        if result is not None:
            kind, text = result
            (solara.Success if kind == "saved" else solara.Error)(text, dense=True, classes=[f"bopsim-{kind}"])


@solara.component
def ActorStrategies(spec: ScenarioSpec, edits: dict, on_edit: Callable[[str, StrategyRows | None], None]):
    """Choose an actor and edit its strategy (behaviours and their parameters)."""
    ids = [a.id for a in spec.actor]
    actor_id, set_actor_id = solara.use_state(ids[0])
    if actor_id not in ids:
        actor_id = ids[0]
    actor = spec.actor[ids.index(actor_id)]
    labels = {f"{a.name or a.id} ({a.id})" + (" *" if a.id in edits else ""): a.id for a in spec.actor}
    current = next(label for label, a in labels.items() if a == actor_id)
    with solara.Card("Strategy", classes=["bopsim-strategy"]):
        solara.Select("actor", value=current, values=list(labels), on_value=lambda label: set_actor_id(labels[label]))
        StrategyEditor(actor, edits.get(actor_id), lambda rows: on_edit(actor_id, rows))
        scheduled = [e for e in spec.event if e.kind == "strategy" and e.actor == actor_id]
        for e in scheduled:
            names = " + ".join(b.behaviour for b in e.strategy or [])
            solara.Text(f"Scheduled in the scenario: from {e.date}, {names}.", style={"font-size": "0.85em"})


@solara.component
def StrategyEditor(actor: ActorSpec, rows: StrategyRows | None, on_rows: Callable[[StrategyRows | None], None]):
    """One row per behaviour: its name and parameters as text; edits are kept until Reset."""
    current = rows if rows is not None else rows_from_strategy(actor.strategy)

    def replace(k: int, row: dict | None) -> None:
        new = [dict(r, params=dict(r["params"])) for r in current]
        if row is None:
            del new[k]
        else:
            new[k] = row
        on_rows(new)

    for k, row in enumerate(current):
        with solara.Column(gap="0px", style={"border-left": "3px solid #ccc", "padding-left": "8px", "margin-bottom": "6px"}):
            with solara.Row():
                solara.Select(f"behaviour {k + 1}", value=row["behaviour"], values=behaviour_names(),
                              on_value=lambda name, k=k: replace(k, {"behaviour": name, "params": {}}))
                solara.Button(icon_name="mdi-delete", icon=True, on_click=lambda k=k: replace(k, None),
                              classes=["bopsim-remove-behaviour"])
            for field in behaviour_fields(row["behaviour"]):
                solara.InputText(
                    f"{actor.id}.{row['behaviour']}.{field.name}",
                    value=row["params"].get(field.name, field.default),
                    on_value=lambda text, k=k, name=field.name, row=row: replace(k, {**row, "params": {**row["params"], name: text}}),
                    continuous_update=False,
                    message=field.description,
                )
    with solara.Row():
        solara.Button("Add behaviour", text=True,
                      on_click=lambda: on_rows([*current, {"behaviour": "home_defence", "params": {}}]))
        if rows is not None:
            solara.Button("Undo edits", text=True, on_click=lambda: on_rows(None))
