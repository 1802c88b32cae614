"""Conversation state, keyed by the vault's opaque reporter reference."""

from __future__ import annotations

from django.db import models


class Conversation(models.Model):
    reporter_ref = models.CharField(max_length=40, db_index=True)
    questionnaire = models.CharField(max_length=32)
    state = models.JSONField()
    active = models.BooleanField(default=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tip_reference = models.CharField(max_length=16, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Where the QR poster the reporter scanned hangs (a hint from the prefilled text, never a fact).
    prefill_district = models.CharField(max_length=40, blank=True)
    prefill_station = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["reporter_ref", "active"])]

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class OfficerSession(models.Model):
    """An officer's WhatsApp exchange: which task they are on and the report they are composing."""

    officer = models.OneToOneField("people.Officer", on_delete=models.CASCADE, related_name="session")
    current_tip = models.ForeignKey("tips.Tip", on_delete=models.SET_NULL, null=True, blank=True)
    draft = models.ForeignKey("tips.ActionReport", on_delete=models.SET_NULL, null=True, blank=True)
    last_ack_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"session of officer {self.officer_id}"


class ReporterThread(models.Model):
    """A short exchange beside the questionnaire, about a tip already filed: the reporter adding
    information ("add"), or answering a question the office asked (a tips.FollowUp). While one is
    open it takes the reporter's messages; a running questionnaire waits and carries on afterwards."""

    class Kind(models.TextChoices):
        CHOOSING = "choosing", "choosing which report to add to"
        ADDITION = "addition", "adding information to a report"
        ANSWER = "answer", "answering the office's question"

    reporter_ref = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    language = models.CharField(max_length=8, blank=True)
    tip = models.ForeignKey("tips.Tip", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    follow_up = models.ForeignKey("tips.FollowUp", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    addition = models.ForeignKey("tips.Addition", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The outbox row that carried the question: if it had to go as the neutral template (window closed),
    # the reporter has not read the question yet, and their next message asks to see it.
    question_item_id = models.BigIntegerField(null=True, blank=True)
    question_shown = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    last_ack_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["reporter_ref", "active"])]

    def __str__(self) -> str:
        return f"{self.kind} thread {self.pk}"
