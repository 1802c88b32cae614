"""Building the outbound message for each step: prompts, list paging, summaries.

Everything a reporter reads comes from the catalogues; this module only arranges it and keeps
each message inside WhatsApp's limits.
"""

from __future__ import annotations

from collections.abc import Mapping

from .definition import (
    MAX_BUTTON_BODY,
    MAX_BUTTONS,
    MAX_LIST_BODY,
    MAX_LIST_ROWS,
    MAX_LOCATION_BODY,
    MAX_TEXT_BODY,
    Definition,
    StepDef,
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
    return Text(body=definition.text(lang, step.prompt))


def media_prompt(definition: Definition, step: StepDef, lang: str, count: int) -> Message:
    if count and step.prompt_more:
        body = definition.text(lang, step.prompt_more, count=count)
        return Buttons(body=body, options=(done_option(definition, step, lang),))
    body = definition.text(lang, step.prompt)
    return Buttons(body=body, options=(Option(f"{step.id}:skip", definition.text(lang, "skip_button")),))


def done_option(definition: Definition, step: StepDef, lang: str) -> Option:
    return Option(f"{step.id}:done", definition.text(lang, "done_button"))


def location_prompt(definition: Definition, step: StepDef, lang: str) -> Message:
    return LocationRequest(body=definition.text(lang, step.prompt))


def summary_body(definition: Definition, step: StepDef, lang: str, answers: Mapping[str, str], media_count: int) -> str:
    lines = [definition.text(lang, "confirm_title")]
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


def confirm_prompt(
    definition: Definition, step: StepDef, lang: str, answers: Mapping[str, str], media_count: int
) -> Message:
    return Buttons(
        body=summary_body(definition, step, lang, answers, media_count),
        options=(
            Option(f"{step.id}:yes", definition.text(lang, "confirm_yes")),
            Option(f"{step.id}:no", definition.text(lang, "confirm_no")),
        ),
    )
