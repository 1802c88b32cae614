"""Names kept per language (``{"en": ..., "hi": ...}``, as reference data stores them)."""

from __future__ import annotations


def in_language(names: object, lang: str, default: str = "") -> str:
    """The name in `lang`, else in English, else `default` (a plain value is shown as it is)."""
    if isinstance(names, dict):
        return str(names.get(lang) or names.get("en") or default)
    return str(names or default)
