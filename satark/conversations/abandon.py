"""Conversations that went quiet: one reminder inside the 24-hour window, then closed. A conversation that
already says what and something about it (a category and a description or media) is filed as a partial
tip rather than lost, and the reporter is told its reference while the window is still open."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from satark.engine import State
from satark.media.pipeline import discard_unsubmitted
from satark.messaging.outbound import queue_message

from . import threads
from .definitions import get_definition
from .filing import file_tip
from .models import Conversation

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    reminded: int = 0
    filed: int = 0
    closed: int = 0


def _language(state: State) -> str:
    return state.language or ""  # "" renders every language: the reporter never chose one


def worth_filing(state: State) -> bool:
    answers = state.answer_map
    return bool(answers.get("category")) and bool(answers.get("description") or state.media)


def sweep(now: datetime) -> SweepReport:
    report = SweepReport()
    definition = get_definition()
    remind_after = timedelta(minutes=settings.SATARK_REMIND_AFTER_MINUTES)
    close_after = timedelta(minutes=settings.SATARK_CLOSE_AFTER_MINUTES)
    due_reminder = Conversation.objects.filter(
        active=True, reminded_at=None, updated_at__lt=now - remind_after, updated_at__gte=now - close_after
    )
    for conversation in due_reminder.iterator():
        with transaction.atomic():
            state = State.from_json(conversation.state)
            queue_message(
                conversation.reporter_ref, {"type": "text", "body": definition.text(_language(state), "reminder")}
            )
            Conversation.objects.filter(pk=conversation.pk).update(reminded_at=now)
            report.reminded += 1
    for conversation in Conversation.objects.filter(active=True, updated_at__lt=now - close_after).iterator():
        with transaction.atomic():
            state = State.from_json(conversation.state)
            if worth_filing(state):
                language = state.language or definition.languages[0]
                tip = file_tip(conversation, state.answer_map, state.media, language, partial=True)
                queue_message(
                    conversation.reporter_ref,
                    {"type": "text", "body": definition.text(language, "submitted_partial", reference=tip.reference)},
                )
                report.filed += 1
            else:
                Conversation.objects.filter(pk=conversation.pk).update(active=False)
                discard_unsubmitted(conversation.pk)
                report.closed += 1
    threads.close_quiet(now, remind_after)
    if report.reminded or report.filed or report.closed:
        log.info("quiet conversations: %s", report)
    return report
