"""The controls: scenario and variant, seed, per-actor strategy, reset, step, play and pause.

Selections and strategy edits are pending until Reset, which rebuilds the run from them; a
value that cannot be used leaves the current run as it is and shows one line in the page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import solara

from model.scenario import ActorSpec, ScenarioError, ScenarioSpec, load
from viz.catalogue import Catalogue
from viz.setup import StrategyRows, behaviour_fields, behaviour_names, rows_from_strategy
from viz.state import start_run

PLAY_INTERVAL = 0.4
"""Seconds between months while playing."""


@solara.component
def Controls(catalogue: Catalogue, run: solara.Reactive, revision: solara.Reactive, message: solara.Reactive):
    """Pick, edit and drive a run; `run`, `revision` and `message` are shared with the views."""
    base = solara.use_reactive(catalogue.default())
    variant = solara.use_reactive("baseline")
    seed_text = solara.use_reactive("1")
    edits = solara.use_reactive({})
    playing = solara.use_reactive(False)
    step_lock = solara.use_memo(threading.Lock, [])
    choices = catalogue.choices(base.value) if base.value else {}
    path = choices.get(variant.value) or next(iter(choices.values()), None)
    spec, load_error = solara.use_memo(lambda: _load(path), [path])

    def reset() -> None:
        playing.set(False)
        if path is None:
            message.set(f"no scenario files in {catalogue.folder}")
            return
        try:
            started = start_run(path, seed_text.value, edits.value)
        except (ScenarioError, ValueError) as exc:
            message.set(str(exc))
            return
        message.set(None)
        run.set(started)
        revision.set(0)

    def step() -> None:
        if run.value is not None and run.value.step():
            revision.set(revision.value + 1)

    def play(cancel: threading.Event) -> None:
        while not cancel.is_set():
            with step_lock:  # Pause waits for a month in progress, so none runs after it
                if not playing.value:
                    return
                stepped = run.value is not None and run.value.step()
            if not stepped:
                playing.set(False)
                return
            revision.set(revision.value + 1)
            cancel.wait(PLAY_INTERVAL)

    def play_or_pause() -> None:
        with step_lock:
            playing.set(not playing.value)

    solara.use_effect(reset, [])
    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)

    def pick_base(name: str) -> None:
        base.set(name)
        variant.set("baseline")
        edits.set({})

    with solara.Card("Scenario"):
        solara.Select("scenario", value=base.value, values=list(catalogue.bases), on_value=pick_base)
        solara.Select("variant", value=variant.value, values=list(choices), on_value=variant.set)
        solara.InputText("seed", value=seed_text, continuous_update=True)
        for problem in catalogue.problems:
            solara.Warning(problem, dense=True)
    with solara.Card("Run"):
        RunButtons(run, revision, playing, reset, step, play_or_pause)
        if run.value is not None and not run.value.built_from(path, seed_text.value, edits.value):
            solara.Info("Changes apply on Reset.", dense=True, classes=["bopsim-pending"])
        if message.value:
            solara.Error(message.value, classes=["bopsim-message"])
    if load_error:
        solara.Error(load_error, classes=["bopsim-message"])
    elif spec is not None:
        ActorStrategies(spec, edits.value, lambda actor, rows: edits.set(_with(edits.value, actor, rows)))


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
def ActorStrategies(spec: ScenarioSpec, edits: dict, on_edit: Callable[[str, StrategyRows | None], None]):
    """Choose an actor and edit its strategy (behaviours and their parameters)."""
    ids = [a.id for a in spec.actor]
    actor_id, set_actor_id = solara.use_state(ids[0])
    if actor_id not in ids:
        actor_id = ids[0]
    actor = spec.actor[ids.index(actor_id)]
    labels = {f"{a.name or a.id} ({a.id})" + (" *" if a.id in edits else ""): a.id for a in spec.actor}
    current = next(label for label, a in labels.items() if a == actor_id)
    with solara.Card("Strategy"):
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
