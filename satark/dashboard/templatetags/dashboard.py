"""Template helpers: reference-data names in the active language, translated stored values."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from satark.core.names import in_language
from satark.dashboard import labels
from satark.tips.reasons import describe

register = template.Library()


def _lang() -> str:
    return (get_language() or "en")[:2]


@register.filter
def loc(names: Any) -> str:
    """{"en": ..., "hi": ...} (or an object with such a `name`/`title`) in the active language."""
    if names is None:
        return ""
    if not isinstance(names, dict):
        names = getattr(names, "name", None) or getattr(names, "title", None) or {}
        if not isinstance(names, dict):
            return str(names)
    return in_language(names, _lang())


@register.filter
def loc_other(names: Any) -> str:
    """The same name in the other language (shown small beside it), or '' when identical or missing."""
    if names is None:
        return ""
    if not isinstance(names, dict):
        names = getattr(names, "name", None) or getattr(names, "title", None) or {}
        if not isinstance(names, dict):
            return ""
    other = "en" if _lang() == "hi" else "hi"
    value = str(names.get(other) or "")
    return "" if value == loc(names) else value


def _label_filter(table: dict[str, Any]) -> Any:
    """A template filter showing a stored code by its label in the active language (the code if unknown)."""
    return lambda value: str(table.get(value, value))


# status_label, outcome_label, ... : one filter per label table of satark.dashboard.labels.
for _name, _table in (
    ("status_label", labels.STATUS_LABELS),
    ("outcome_label", labels.OUTCOME_LABELS),
    ("escalation_label", labels.ESCALATION_LABELS),
    ("sensitivity_label", labels.SENSITIVITY_LABELS),
    ("role_label", labels.ROLE_LABELS),
    ("kind_label", labels.KIND_LABELS),
):
    register.filter(_name, _label_filter(_table))


@register.filter
def reasons(value: Any) -> str:
    """A tip's stored sensitivity reasons in the active language (tips.reasons)."""
    return describe(value)


@register.filter
def event_label(value: str) -> str:
    return str(labels.EVENT_LABELS.get(value, value.split(".", 1)[-1].replace("_", " ")))


@register.filter
def action_title(value: str) -> str:
    return str(labels.ACTION_TITLES.get(value, value))


@register.filter
def action_button(value: str) -> str:
    return str(labels.ACTION_BUTTONS.get(value, value))


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination and sorting keep the filters)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
