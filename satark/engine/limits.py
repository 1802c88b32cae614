"""Constants shared by the definition loader and the renderer: WhatsApp limits, step types,
global words and the catalogue keys the engine itself uses."""

from __future__ import annotations

from collections.abc import Mapping

# WhatsApp Cloud API limits (characters, counted as Python str code points).
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_BODY = 1024
MAX_LIST_ROWS = 10
MAX_LIST_BUTTON = 20
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_LIST_BODY = 4096
MAX_TEXT_BODY = 4096
MAX_HEADER = 60
MAX_FOOTER = 60
MAX_LOCATION_BODY = 1024
# A choice label must leave room for its number in a list row ("10. " is four characters).
MAX_CHOICE_LABEL = 20
MAX_CHOICE_DESCRIPTION = MAX_ROW_DESCRIPTION

STEP_TYPES = ("language", "choice", "text", "media", "location", "time", "confirm")
# "add" is handled by the shell (conversations.threads): more information for a report already sent.
COMMANDS = ("cancel", "restart", "help", "language", "status", "add")
# "unknown" ("pata nahi", "don't know") skips an optional step like "skip";
# "edit" asks for the edit menu at the confirm step.
WORDS = ("yes", "no", "done", "skip", "more", "back", "continue", "unknown", "edit")

# Catalogue keys the engine itself uses (steps add their own prompt keys).
ENGINE_KEYS = (
    "welcome",
    "language_name",
    "language_prompt",
    "choose_button",
    "more_title",
    "more_description",
    "back_title",
    "back_description",
    "not_understood",
    "help_hint",
    "noted",
    "help",
    "cancelled",
    "submitted",  # sent by the shell after it has filed the tip
    "media_too_large",  # sent by the shell when a file is refused after download
    "media_unreadable",
    "reminder",  # sent by the shell to a conversation that went quiet
    "submitted_partial",  # ... and when it files what a quiet conversation had
    "limit_reached",  # ... when a reporter is over the day's limit of reports
    "status_open",  # ... a line of the status answer: a tip still being handled
    "status_closed",  # ... a line of the status answer: a tip that is closed
    "unsupported",
    "sticker",
    "contacts",
    "location_received",
    "media_saved",
    "media_document_warning",
    "media_limit",
    "done_button",
    "skip_button",
    "continue_button",
    "text_too_short",
    "confirm_title",
    "confirm_question",
    "confirm_yes",
    "confirm_no",
    "not_given",
    # Added with questionnaire v2.
    "urgent_112",  # sent at once when a message has an urgent word (firing, murder happening)
    "status_header",  # sent by the shell before the reporter's own tips ("status")
    "status_none",  # sent by the shell when the reporter has no tips yet
    "yes_button",
    "no_button",
    "place_confirm",  # "Is it {place}?"
    "place_candidates",
    "place_none",
    "place_not_found",
    "place_pin",  # how a shared pin is shown in the summary: {value} is "lat, lon"
    "time_now",
    "time_today",
    "time_earlier",
    "confirm_edit",
    "edit_prompt",
    # Used by the shell's threads about a tip already filed (conversations.threads).
    "add_none",  # "add", but the reporter has no open report
    "add_choose",  # which report to add to (a list of references)
    "add_prompt",  # send text, photos, videos or voice notes for {reference}, then Done
    "add_saved",  # saved to {reference} (once per burst)
    "add_done",  # Done: what was sent is with the police
    "add_nothing",  # Done before anything was sent
    "add_unsupported",  # something that cannot be added (a sticker, a poll)
    "thread_closed",  # cancel inside such an exchange
    "followup_question",  # the office's {question} about {reference}
    "followup_thanks",  # the answer was passed on
)


# The only format fields the engine fills in; every other engine text must have none.
ENGINE_PARAMS: Mapping[str, frozenset[str]] = {
    "media_limit": frozenset({"limit"}),
    "submitted": frozenset({"reference"}),
    "submitted_partial": frozenset({"reference"}),
    "status_open": frozenset({"reference"}),
    "status_closed": frozenset({"reference"}),
    "place_confirm": frozenset({"place"}),
    "place_pin": frozenset({"value"}),
    "add_prompt": frozenset({"reference"}),
    "add_saved": frozenset({"reference"}),
    "add_done": frozenset({"reference"}),
    "add_nothing": frozenset({"reference"}),
    "followup_question": frozenset({"reference", "question"}),
    "followup_thanks": frozenset({"reference"}),
}
STEP_PARAMS: Mapping[tuple[str, str], frozenset[str]] = {
    ("text", "prompt_more"): frozenset({"current"}),
    ("media", "prompt_more"): frozenset({"count"}),
    ("time", "prompt_more"): frozenset(),
    ("confirm", "summary"): frozenset({"value"}),
}


class DefinitionError(ValueError):
    """The questionnaire, catalogues or choice sources are inconsistent."""
