"""Why a tip has its sensitivity class, stored as codes with their values (``Tip.sensitivity_reasons``:
``[[code, {name: value}], ...]``) and put into words only when shown, in the reader's language.

The codes and their English words live here; the Hindi words in the dashboard's catalogue. Values named in
``TRANSLATED_VALUES`` are words of ours (translated too); the others are shown as they are (a word the
reporter wrote, a classifier's label and score, a count). The code ``text`` carries words stored before the
codes existed and is shown unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

REASONS: dict[str, str] = {
    "urgent": N_("reporter used urgent words (told to call 112)"),
    "wrote": N_('reporter wrote "%(word)s"'),
    "children": N_("reporter says children are involved"),
    "murder_kidnapping": N_("about a murder or kidnapping"),
    "cattle_transport": N_("cattle being transported (time-critical)"),
    "category": N_("category: %(category)s"),
    "police": N_("police personnel said to be involved"),
    "weapon_likely": N_("media likely show a weapon (%(evidence)s)"),
    "weapon_possible": N_("media may show a weapon (%(evidence)s)"),
    "explicit": N_("%(n)d media item(s) explicit: restricted viewing"),
    "shows": N_("media show %(what)s (%(evidence)s)"),
    "pending": N_("%(n)d of %(total)d photo/video not yet classified"),
    "no_classifiers": N_("%(n)d of %(total)d photo/video unclassified: classifiers not installed"),
    "unclassified": N_("%(n)d of %(total)d photo/video unclassified"),
    "nothing": N_("category and answers: nothing urgent"),
    "demo": N_("generated demo data"),
}
# Values that are our own words, translated like the sentences around them.
WORDS: dict[str, str] = {
    "illegal arms": N_("illegal arms"),
    "trafficking": N_("trafficking"),
    "serious crime": N_("serious crime"),
    "forced conversion": N_("forced conversion"),
    "vehicle": N_("vehicle"),
    "cattle": N_("cattle"),
    "possible weapon": N_("possible weapon"),
    "explicit": N_("explicit"),
}
TRANSLATED_VALUES = {"category", "what"}
SEPARATOR = "; "

Reason = tuple[str, dict[str, Any]]


def reason(code: str, **values: Any) -> Reason:
    if code not in REASONS and code != "text":
        raise ValueError(f"unknown sensitivity reason {code!r}")
    return code, values


def describe(reasons: Iterable[Sequence[Any]] | None, translate: bool = True) -> str:
    """The reasons as one line in the active language (English words with ``translate=False``)."""
    words = gettext if translate else (lambda s: s)
    parts: list[str] = []
    for item in reasons or ():
        code, values = item[0], item[1] if len(item) > 1 and isinstance(item[1], Mapping) else {}
        if code == "text" or code not in REASONS:
            parts.append(str(values.get("text", "")))
            continue
        shown = {k: words(WORDS.get(str(v), str(v))) if k in TRANSLATED_VALUES else v for k, v in values.items()}
        try:
            parts.append(words(REASONS[code]) % shown if shown else words(REASONS[code]))
        except (KeyError, TypeError, ValueError):  # a catalogue entry that lost a placeholder: the English
            parts.append(REASONS[code] % values if values else REASONS[code])
    return SEPARATOR.join(p for p in parts if p)
