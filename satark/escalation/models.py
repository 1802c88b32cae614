"""Escalation rows (what the dashboard lists) and the offices' WhatsApp duty numbers.

No number is stored here: a duty number lives in the identity vault like an officer's, and
`DutyNumber.contact_ref` is the vault reference the send path resolves. This module imports nothing of
messaging, the channel, the vault or conversations (import-linter contract), so the dashboard may use it."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q

from satark.core.names import in_language
from satark.geography.models import District, Range
from satark.tips.models import Tip


class Office(models.TextChoices):
    SP_OFFICE = "sp_office", "SP office (district)"
    DIG_OFFICE = "dig_office", "DIG office (range)"


class DutyNumber(models.Model):
    """The WhatsApp duty number of one office: an SP office (a district) or the DIG office (a range)."""

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, null=True, blank=True, related_name="duty_number", help_text="SP office"
    )
    range = models.OneToOneField(
        Range, on_delete=models.CASCADE, null=True, blank=True, related_name="duty_number", help_text="DIG office"
    )
    contact_ref = models.CharField(max_length=40, help_text="vault reference of the number (never the number)")
    language = models.CharField(max_length=8, default="hi", choices=[("hi", "हिंदी"), ("en", "English")])
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["range", "district__order"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(district__isnull=False) & Q(range__isnull=True))
                | (Q(district__isnull=True) & Q(range__isnull=False)),
                name="duty_number_one_office",
            )
        ]

    def __str__(self) -> str:
        return self.office_label("en")

    @property
    def office(self) -> str:
        return Office.SP_OFFICE if self.district_id else Office.DIG_OFFICE

    def office_label(self, lang: str) -> str:
        unit = self.district if self.district_id else self.range
        office = unit.office if unit is not None else {}
        return in_language(office, lang, str(unit))


class Stage(models.TextChoices):
    REMINDER = "reminder", "Reminder to the officer"
    SP_OFFICE = "sp_office", "Escalated to the SP office"
    DIG_OFFICE = "dig_office", "Escalated to the DIG office"


class Awaiting(models.TextChoices):
    ASSIGNMENT = "assignment", "assignment to an officer"
    REPORT = "report", "an action-taken report"


class Escalation(models.Model):
    """One step of the ladder taken for one deadline of one tip. The unique (tip, stage, cycle_start)
    makes each step happen once per deadline however many workers run; a transition of the tip
    (reassigned, sent back, accepted, reopened) gives it a new `status_changed_at`, hence a new cycle."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="escalations")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    awaiting = models.CharField(max_length=12, choices=Awaiting.choices)
    cycle_start = models.DateTimeField(help_text="when the awaited step began (the tip's last status change)")
    due_at = models.DateTimeField(help_text="the deadline that was missed")
    created_at = models.DateTimeField(help_text="when this step was taken")
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    officer = models.ForeignKey("people.Officer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent = models.BooleanField(default=False, help_text="a WhatsApp message was queued")
    outbox_id = models.BigIntegerField(null=True, blank=True, help_text="the queued message (messaging.OutboxItem)")
    note = models.CharField(max_length=200, blank=True, help_text="why nothing was sent, if nothing was")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tip", "stage", "cycle_start"], name="escalation_once")]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.stage}"

    @property
    def late(self) -> timedelta:
        """How late the tip was when this step was taken."""
        return self.created_at - self.due_at
