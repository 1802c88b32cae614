"""Satark Mitra's pure conversation engine (standard library only).

``step(definition, state, event, now) -> (state, effects)``: frozen dataclasses in and out, no
clock, no I/O. The shell in ``satark.conversations`` loads the state, turns an inbound message
into an :class:`Event`, calls :func:`step`, saves the new state and applies the effects.
"""

from .definition import (
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
    Definition,
    DefinitionError,
    check_catalogues,
    load_definition,
    placeholders,
    validate_choice,
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
    "Submit",
    "Text",
    "check_catalogues",
    "load_definition",
    "placeholders",
    "step",
    "validate_choice",
]
