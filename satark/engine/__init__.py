"""Satark Mitra's pure conversation engine (standard library only).

``step(definition, state, event, now) -> (state, effects)``: frozen dataclasses in and out, no
clock, no I/O. The shell in ``satark.conversations`` loads the state, turns an inbound message
into an :class:`Event`, calls :func:`step`, saves the new state and applies the effects.

Questionnaire v2 (``tip.v2.json``) adds per-category questions (steps with ``when`` conditions),
``location`` steps matched against a caller-supplied ``places`` choice source (each place a
:class:`Choice` with ``group`` = district code and ``kind`` = station/tehsil/block), ``time``
steps read by ``timeparse``, an edit menu at the confirm step, urgent words (a "call 112" reply
and ``answers["urgent"] = "yes"``) and the ``status`` command, which returns the
:class:`StatusRequest` effect for the shell to answer. See ``definition.py`` for the schema and
the answer keys.
"""

from .definition import (
    Definition,
    check_catalogues,
    load_definition,
    placeholders,
    validate_choice,
)
from .limits import (
    MAX_BUTTON_BODY,
    MAX_BUTTON_TITLE,
    MAX_CHOICE_DESCRIPTION,
    MAX_CHOICE_LABEL,
    MAX_LIST_BODY,
    MAX_LIST_BUTTON,
    MAX_LIST_ROWS,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_TEXT_BODY,
    DefinitionError,
)
from .step import step
from .types import (
    Buttons,
    Cancelled,
    Choice,
    CollectMedia,
    Effect,
    Event,
    ListMenu,
    LocationRequest,
    Message,
    Option,
    Reply,
    State,
    StatusRequest,
    Submit,
    Text,
)

__all__ = [
    "MAX_BUTTON_BODY",
    "MAX_BUTTON_TITLE",
    "MAX_CHOICE_DESCRIPTION",
    "MAX_CHOICE_LABEL",
    "MAX_LIST_BODY",
    "MAX_LIST_BUTTON",
    "MAX_LIST_ROWS",
    "MAX_ROW_DESCRIPTION",
    "MAX_ROW_TITLE",
    "MAX_TEXT_BODY",
    "Buttons",
    "Cancelled",
    "Choice",
    "CollectMedia",
    "Definition",
    "DefinitionError",
    "Effect",
    "Event",
    "ListMenu",
    "LocationRequest",
    "Message",
    "Option",
    "Reply",
    "State",
    "StatusRequest",
    "Submit",
    "Text",
    "check_catalogues",
    "load_definition",
    "placeholders",
    "step",
    "validate_choice",
]
