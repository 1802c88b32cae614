"""Template helpers: reference-data names in the active language, translated stored values."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from satark.dashboard import labels

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
    return str(names.get(_lang()) or names.get("en") or "")


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


@register.filter
def status_label(value: str) -> str:
    return str(labels.STATUS_LABELS.get(value, value))


@register.filter
def outcome_label(value: str) -> str:
    return str(labels.OUTCOME_LABELS.get(value, value))


@register.filter
def escalation_label(value: str) -> str:
    return str(labels.ESCALATION_LABELS.get(value, value))


@register.filter
def sensitivity_label(value: str) -> str:
    return str(labels.SENSITIVITY_LABELS.get(value, value))


@register.filter
def role_label(value: str) -> str:
    return str(labels.ROLE_LABELS.get(value, value))


@register.filter
def kind_label(value: str) -> str:
    return str(labels.KIND_LABELS.get(value, value))


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
