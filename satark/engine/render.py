"""Building the outbound message for each step: prompts, list paging, summaries.

Everything a reporter reads comes from the catalogues; this module only arranges it and keeps
each message inside WhatsApp's limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from .definition import AUTO_SUMMARY_MEDIA, Definition, StepDef
from .limits import (
    MAX_BUTTON_BODY,
    MAX_BUTTONS,
    MAX_LIST_BODY,
    MAX_LIST_ROWS,
    MAX_LOCATION_BODY,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_TEXT_BODY,
)
from .types import Buttons, Choice, ListMenu, LocationRequest, Message, Option, Text

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, marked with an ellipsis."""
    text = " ".join(text.split())
    if limit <= 0 or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-/") + ELLIPSIS


def body_limit(message: Message) -> int:
    if isinstance(message, Buttons):
        return MAX_BUTTON_BODY
    if isinstance(message, ListMenu):
        return MAX_LIST_BODY
    if isinstance(message, LocationRequest):
        return MAX_LOCATION_BODY
    return MAX_TEXT_BODY


def with_body(message: Message, body: str) -> Message:
    if isinstance(message, Text):
        return Text(body=body)
    if isinstance(message, Buttons):
        return Buttons(body=body, options=message.options, header=message.header, footer=message.footer)
    if isinstance(message, ListMenu):
        return ListMenu(
            body=body,
            button=message.button,
            options=message.options,
            header=message.header,
            footer=message.footer,
        )
    return LocationRequest(body=body)


def with_prefix(prefix: str, message: Message) -> tuple[Message, ...]:
    """Put a short note (an acknowledgement, "I did not understand") before a prompt.

    One message when it fits the prompt's body limit, otherwise a text followed by the prompt.
    """
    if not prefix:
        return (message,)
    combined = f"{prefix}\n\n{message.body}"
    if len(combined) <= body_limit(message):
        return (with_body(message, combined),)
    return (Text(body=prefix), message)


# ---------------------------------------------------------------------------------------------
# Choice steps: buttons or a paged list
# ---------------------------------------------------------------------------------------------


def pages(count: int) -> list[tuple[int, int]]:
    """Slices (start, end) of the choices shown on each page of a list menu.

    Up to 10 choices fit one page. Otherwise the first page shows 9 and a "More" row, middle
    pages 8 with "Back" and "More", and the last page the rest with "Back".
    """
    if count <= MAX_LIST_ROWS:
        return [(0, count)]
    result = [(0, MAX_LIST_ROWS - 1)]
    start = MAX_LIST_ROWS - 1
    while count - start > MAX_LIST_ROWS - 1:
        result.append((start, start + MAX_LIST_ROWS - 2))
        start += MAX_LIST_ROWS - 2
    result.append((start, count))
    return result


def choice_option_id(step: StepDef, choice: Choice) -> str:
    return f"{step.id}:{choice.id}"


def page_option_id(step: StepDef, page: int) -> str:
    return f"{step.id}#page{page}"


def uses_buttons(step: StepDef) -> bool:
    if step.display == "buttons":
        return True
    return step.display == "auto" and len(step.choices) <= MAX_BUTTONS


def choice_prompt(definition: Definition, step: StepDef, lang: str, page: int) -> Message:
    body = definition.text(lang, step.prompt)
    if uses_buttons(step):
        options = tuple(Option(choice_option_id(step, c), c.label(lang)) for c in step.choices)
        return Buttons(body=body, options=options)
    slices = pages(len(step.choices))
    page = min(max(page, 0), len(slices) - 1)
    start, end = slices[page]
    rows = [
        Option(
            id=choice_option_id(step, choice),
            title=f"{number}. {choice.label(lang)}",
            description=choice.description(lang),
        )
        for number, choice in enumerate(step.choices[start:end], start + 1)
    ]
    if page > 0:
        rows.append(
            Option(
                id=page_option_id(step, page - 1),
                title=definition.text(lang, "back_title"),
                description=definition.text(lang, "back_description"),
            )
        )
    if page < len(slices) - 1:
        rows.append(
            Option(
                id=page_option_id(step, page + 1),
                title=definition.text(lang, "more_title"),
                description=definition.text(lang, "more_description"),
            )
        )
    button = definition.text(lang, step.button or "choose_button")
    return ListMenu(body=body, button=button, options=tuple(rows))


# ---------------------------------------------------------------------------------------------
# The other step types
# ---------------------------------------------------------------------------------------------


def language_options(definition: Definition) -> tuple[Option, ...]:
    return tuple(Option(f"lang:{lang}", definition.text(lang, "language_name")) for lang in definition.languages)


def language_prompt(definition: Definition, welcome: bool) -> Message:
    """The bilingual welcome (first message) or the short "choose a language" question."""
    body = definition.text("", "welcome" if welcome else "language_prompt")
    options = language_options(definition)
    if len(options) <= MAX_BUTTONS:
        return Buttons(body=body, options=options)
    button = definition.text(definition.languages[0], "choose_button")
    return ListMenu(body=body, button=button, options=options)


def continue_option(definition: Definition, step: StepDef, lang: str) -> Option:
    return Option(f"{step.id}:continue", definition.text(lang, "continue_button"))


def text_prompt(definition: Definition, step: StepDef, lang: str, current: str) -> Message:
    if current and step.prompt_more:
        body = definition.text(lang, step.prompt_more, current=shorten(current, 300))
        return Buttons(body=body, options=(continue_option(definition, step, lang),))
    if step.optional and not step.collects_notes:
        skip = Option(f"{step.id}:skip", definition.text(lang, "skip_button"))
        return Buttons(body=definition.text(lang, step.prompt), options=(skip,))
    return Text(body=definition.text(lang, step.prompt))


def media_prompt(definition: Definition, step: StepDef, lang: str, count: int) -> Message:
    if count and step.prompt_more:
        body = definition.text(lang, step.prompt_more, count=count)
        return Buttons(body=body, options=(done_option(definition, step, lang),))
    body = definition.text(lang, step.prompt)
    return Buttons(body=body, options=(Option(f"{step.id}:skip", definition.text(lang, "skip_button")),))


def done_option(definition: Definition, step: StepDef, lang: str) -> Option:
    return Option(f"{step.id}:done", definition.text(lang, "done_button"))


def location_prompt(definition: Definition, step: StepDef, lang: str, pending: Sequence[str] = ()) -> Message:
    """Ask for a pin (or a typed place); or offer the places a typed name matched."""
    places = [place for place in (step.choice(p) for p in pending) if place is not None]
    if len(places) == 1:
        body = definition.text(lang, "place_confirm", place=place_title(places[0], lang))
        return Buttons(
            body=body,
            options=(
                Option(f"{step.id}:yes", definition.text(lang, "yes_button")),
                Option(f"{step.id}:no", definition.text(lang, "no_button")),
            ),
        )
    if places:
        rows = [
            Option(
                id=f"{step.id}:pick:{place.id}",
                title=shorten(f"{number}. {place.label(lang)}", MAX_ROW_TITLE),
                description=shorten(place.description(lang), MAX_ROW_DESCRIPTION),
            )
            for number, place in enumerate(places, 1)
        ]
        rows.append(Option(f"{step.id}:none", shorten(definition.text(lang, "place_none"), MAX_ROW_TITLE)))
        body = definition.text(lang, "place_candidates")
        return ListMenu(body=body, button=definition.text(lang, "choose_button"), options=tuple(rows))
    return LocationRequest(body=definition.text(lang, step.prompt))


def place_title(place: Choice, lang: str) -> str:
    description = place.description(lang)
    return f"{place.label(lang)} ({description})" if description else place.label(lang)


def time_prompt(definition: Definition, step: StepDef, lang: str, earlier: bool) -> Message:
    if earlier:
        return Text(body=definition.text(lang, step.prompt_more or step.prompt))
    options = tuple(
        Option(f"{step.id}:{value}", definition.text(lang, f"time_{value}")) for value in ("now", "today", "earlier")
    )
    return Buttons(body=definition.text(lang, step.prompt), options=options)


# ---------------------------------------------------------------------------------------------
# Confirm: the summary, the buttons and the edit menu
# ---------------------------------------------------------------------------------------------


def _when(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def time_value(answers: Mapping[str, str], key: str) -> str:
    """The time as typed (or tapped) and, in brackets, how it was read."""
    typed = answers.get(f"{key}_text", "")
    start, end = _when(answers.get(f"{key}_from", "") or answers.get(key, "")), _when(answers.get(f"{key}_to", ""))
    read = ""
    if start is not None and end is not None:
        whole_day = start.hour == start.minute == 0 and (end - start).total_seconds() == 86400
        if whole_day:
            read = start.strftime("%d/%m/%Y")
        elif start.date() == end.date():
            read = f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"
        else:
            read = f"{start:%d/%m %H:%M}–{end:%d/%m %H:%M}"
    elif start is not None:
        read = start.strftime("%d/%m/%Y %H:%M")
    if typed and read:
        return f"{typed} ({read})"
    return typed or read


def answer_value(definition: Definition, step: StepDef, lang: str, answers: Mapping[str, str]) -> str:
    """How one step's answer reads in a summary, in the reporter's language."""
    if step.type == "location":
        place = step.choice(answers.get(f"{step.id}_place", ""))
        if place is not None:
            return place_title(place, lang)
        if answers.get(f"{step.id}_name"):
            return answers[f"{step.id}_name"]
        if answers.get(f"{step.id}_lat"):
            pin = f"{answers[f'{step.id}_lat']}, {answers.get(f'{step.id}_lon', '')}"
            return definition.text(lang, "place_pin", value=pin)
        return answers.get(f"{step.id}_text", "")
    if step.type == "time":
        return time_value(answers, step.id)
    value = answers.get(step.id, "")
    choice = step.choice(value) if value else None
    if choice is not None:
        return choice.label(lang)
    return shorten(value, 300 if step.collects_notes else 120)


def auto_summary_lines(definition: Definition, lang: str, answers: Mapping[str, str], media_count: int) -> list[str]:
    lines = []
    for step in definition.steps:
        if step.edit_label and step.active(answers):
            value = answer_value(definition, step, lang, answers) or definition.text(lang, "not_given")
            lines.append(f"{definition.text(lang, step.edit_label)}: {value}")
    media = next((step for step in definition.steps if step.type == "media"), None)
    if media is not None:
        lines.append(definition.text(lang, AUTO_SUMMARY_MEDIA, value=media_count))
    return lines


def summary_body(definition: Definition, step: StepDef, lang: str, answers: Mapping[str, str], media_count: int) -> str:
    lines = [definition.text(lang, "confirm_title")]
    if step.summary_auto:
        lines.extend(auto_summary_lines(definition, lang, answers, media_count))
    for line in step.summary:
        if line.value == "media_count":
            value = str(media_count)
        else:
            value = answers.get(line.answer, "")
            source = definition.step_def(line.answer)
            choice = source.choice(value) if source is not None and value else None
            if choice is not None:
                value = choice.label(lang)
        if not value:
            if line.optional:
                continue
            value = definition.text(lang, "not_given")
        lines.append(definition.text(lang, line.line, value=shorten(value, line.max_length)))
    lines.append("")
    lines.append(definition.text(lang, "confirm_question"))
    return shorten_lines("\n".join(lines), MAX_BUTTON_BODY)


def shorten_lines(body: str, limit: int) -> str:
    """A last guard for bodies assembled from answers: never exceed the channel limit."""
    if len(body) <= limit:
        return body
    return body[: limit - 1].rstrip() + ELLIPSIS


def confirm_actions(step: StepDef) -> tuple[str, ...]:
    """The confirm buttons in order (a typed number picks by this order)."""
    return ("yes", "edit", "no") if step.edit else ("yes", "no")


def confirm_prompt(
    definition: Definition, step: StepDef, lang: str, answers: Mapping[str, str], media_count: int
) -> Message:
    titles = {"yes": "confirm_yes", "edit": "confirm_edit", "no": "confirm_no"}
    return Buttons(
        body=summary_body(definition, step, lang, answers, media_count),
        options=tuple(
            Option(f"{step.id}:{action}", definition.text(lang, titles[action])) for action in confirm_actions(step)
        ),
    )


def edit_menu(definition: Definition, step: StepDef, lang: str, editable: Sequence[StepDef]) -> Message:
    rows = tuple(
        Option(f"{step.id}:edit:{target.id}", f"{number}. {definition.text(lang, target.edit_label)}")
        for number, target in enumerate(editable, 1)
    )
    return ListMenu(
        body=definition.text(lang, "edit_prompt"), button=definition.text(lang, "choose_button"), options=rows
    )
