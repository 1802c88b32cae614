"""Anonymous follow-up: the office asks the reporter a question through the bot. The question is stored
here and announced to the case-event handlers (the conversations app sends it through the vault); the
answer comes back by the tip's reference. Staff never see who answered."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from satark.audit.actions import record

from .lifecycle import Change
from .models import FollowUp, Tip

MAX_QUESTION = 900  # leaves room for the reference and the "reply to answer" line within WhatsApp's 4096


class FollowUpRefused(ValueError):
    pass


def ask(tip: Tip, question: str, *, actor: Any) -> FollowUp:
    question = question.strip()
    if not question:
        raise FollowUpRefused("write the question")
    if len(question) > MAX_QUESTION:
        raise FollowUpRefused(f"a question can be at most {MAX_QUESTION} characters")
    if tip.reporter_forgotten_at is not None or not tip.reporter_ref:
        raise FollowUpRefused("the reporter can no longer be reached (their link was deleted after closure)")
    with transaction.atomic():
        follow_up = FollowUp.objects.create(tip=tip, question=question, asked_by=actor)
        record("tip.follow_up_asked", "tip", tip.reference, actor=actor, details={"follow_up": follow_up.pk})
        change = Change(tip=tip, action="ask_reporter", before=tip.status, after=tip.status)
        for path in settings.SATARK_CASE_EVENT_HANDLERS:
            import_string(path)(change, actor, question)
    return follow_up


def answer(follow_up: FollowUp, text: str) -> FollowUp:
    """Record the reporter's answer (called by the conversation shell; the reporter is never named)."""
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.answered_at is None:
            locked.answer = text.strip()[:4000]
            locked.answered_at = timezone.now()
            locked.save(update_fields=["answer", "answered_at"])
            record("tip.follow_up_answered", "tip", locked.tip.reference, actor=None, details={"follow_up": locked.pk})
    return locked


def open_follow_ups(tip: Tip) -> list[FollowUp]:
    return list(tip.follow_ups.filter(answered_at__isnull=True))
