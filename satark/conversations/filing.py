"""Turn a conversation's answers into a tip: the one place that knows how answer keys map to tip fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime

from satark.core.names import in_language
from satark.engine import Definition
from satark.geography.models import PoliceStation
from satark.media.models import MediaAsset
from satark.media.sensitivity import refresh as refresh_sensitivity
from satark.tips.actions import TipDraft, do_submit_tip
from satark.tips.models import Tip

from .definitions import get_definition
from .models import Conversation


def _location(answers: Mapping[str, str]) -> tuple[float, float] | None:
    try:
        return float(answers["location_lat"]), float(answers["location_lon"])
    except (KeyError, ValueError):
        return None


def _station(answers: Mapping[str, str], hint: str) -> str:
    candidates = [answers.get("location_place", "")]
    for code in [*candidates, hint]:
        if code and PoliceStation.objects.filter(code=code).exists():
            return code
    return ""


def _occurred(answers: Mapping[str, str]) -> tuple[datetime | None, str]:
    value = answers.get("time") or answers.get("time_from") or ""
    when = parse_datetime(value) if value else None
    return when, answers.get("time_text", "")


def draft_from(conversation: Conversation, answers: Mapping[str, str], language: str, *, partial: bool) -> TipDraft:
    occurred_at, occurred_text = _occurred(answers)
    place_text = answers.get("location_text", "") or answers.get("location_name", "")
    return TipDraft(
        category_code=answers.get("category", "other"),
        district_code=answers.get("district", "") or conversation.prefill_district,
        station_code=_station(answers, conversation.prefill_station),
        description=answers.get("description", ""),
        answers=dict(answers),
        language=language,
        reporter_ref=conversation.reporter_ref,
        questionnaire=conversation.questionnaire,
        police_involved=answers.get("police_involved", "") in ("yes", "true", "1")
        or answers.get("category", "") in settings.SATARK_POLICE_INVOLVED_CATEGORIES,
        location=_location(answers),
        place_text=place_text,
        occurred_at=occurred_at,
        occurred_text=occurred_text,
        urgent=answers.get("urgent", "") == "yes",
        partial=partial,
    )


def answer_labels(definition: Definition, answers: Mapping[str, str]) -> dict[str, list[list[str]]]:
    """Each answered question with its label and the chosen option's title, in every language."""
    labelled: dict[str, list[list[str]]] = {}
    for lang in definition.languages:
        rows = []
        for step in definition.steps:
            value = answers.get(step.id, "")
            if not value or not step.edit_label or step.type not in ("choice", "text"):
                continue
            choice = step.choice(value) if step.choices else None
            shown = in_language(choice.labels, lang, value) if choice else value
            rows.append([step.id, definition.text(lang, step.edit_label), shown])
        labelled[lang] = rows
    return labelled


def file_tip(
    conversation: Conversation,
    answers: Mapping[str, str],
    media_ids: Iterable[str],
    language: str,
    *,
    partial: bool = False,
) -> Tip:
    tip = do_submit_tip(draft_from(conversation, answers, language, partial=partial))
    Tip.objects.filter(pk=tip.pk).update(answer_labels=answer_labels(get_definition(), answers))
    MediaAsset.objects.filter(conversation_id=conversation.pk, external_id__in=list(media_ids)).update(tip=tip)
    refresh_sensitivity(tip)  # from category and answers now; media analyses refresh it as they finish
    conversation.tip_reference = tip.reference
    conversation.active = False
    conversation.save(update_fields=["tip_reference", "active"])
    return tip
