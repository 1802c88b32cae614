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
