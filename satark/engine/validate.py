"""Checks across the steps of a questionnaire: conditions, edit menus, button texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .limits import MAX_BUTTON_TITLE, MAX_CHOICE_LABEL, MAX_LIST_ROWS, DefinitionError

if TYPE_CHECKING:
    from .definition import StepDef

MAX_COMBINATIONS = 10_000  # of condition values tried when sizing the edit menu


def check_flow(steps: Sequence[StepDef], catalogues: Mapping[str, Mapping[str, str]], languages: Sequence[str]) -> None:
    """Conditions name earlier answers and real choices; edit menus and labels fit WhatsApp."""
    seen: dict[str, StepDef] = {}
    for step in steps:
        for key, values in step.when.items():
            source = seen.get(key)
            derived = any(key.startswith(f"{earlier}_") for earlier in seen)
            if source is None and not derived:
                raise DefinitionError(f"step {step.id!r}: condition on {key!r}, which no earlier step answers")
            if source is not None and source.type == "choice" and not source.source:
                unknown = [v for v in values if source.choice(v) is None]
                if unknown:
                    raise DefinitionError(f"step {step.id!r}: condition {key!r} has unknown values {unknown}")
        if step.type == "location" and step.within and step.within not in seen:
            raise DefinitionError(f"step {step.id!r}: 'within' names {step.within!r}, no earlier step")
        seen[step.id] = step
        for lang in languages:
            label = catalogues[lang].get(step.edit_label, "") if step.edit_label else ""
            if len(label) > MAX_CHOICE_LABEL:
                raise DefinitionError(f"step {step.id!r}: edit label {label!r} is longer than {MAX_CHOICE_LABEL}")
        if step.type == "time":
            for key in ("time_now", "time_today", "time_earlier"):
                if any(len(catalogues[lang][key]) > MAX_BUTTON_TITLE for lang in languages):
                    raise DefinitionError(f"catalogue key {key!r} is too long for a button")
    editable = [step for step in steps if step.edit_label]
    if any(step.edit for step in steps):
        # The edit menu is one list: try every combination of the values conditions name.
        domains: dict[str, set[str]] = {}
        for step in editable:
            for key, allowed in step.when.items():
                domains.setdefault(key, {""}).update(allowed)
        combinations: list[dict[str, str]] = [{}]
        for key, options in sorted(domains.items()):
            combinations = [{**c, key: v} for c in combinations for v in sorted(options)][:MAX_COMBINATIONS]
        counts = [len([s for s in editable if s.active(answers)]) for answers in combinations]
        if max(counts) > MAX_LIST_ROWS:
            raise DefinitionError(f"an edit menu could have {max(counts)} rows; at most {MAX_LIST_ROWS}")
