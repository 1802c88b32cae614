"""Abuse control without unmasking: blocks and rate counters keyed by the vault's opaque reporter
reference (`rp_...`), never by a number. Staff act on a tip's reference; the reporter reference is
filled in server-side and is never shown to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Block(models.Model):
    reporter_ref = models.CharField(max_length=40, db_index=True, help_text="vault reference; never shown to staff")
    tip_reference = models.CharField(max_length=20, blank=True, help_text="the tip staff acted on, e.g. VNS-7K3M9")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=300, blank=True)

    objects: models.Manager[Block] = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter_ref"], condition=Q(active=True), name="abuse_one_active_block_per_reporter"
            )
        ]

    def __str__(self) -> str:
        state = "active" if self.active else "lifted"
        return f"block {self.pk} ({state}) via {self.tip_reference or 'no tip'}"


class Counter(models.Model):
    """One row per reporter and kind: the current fixed window and how much of it is used."""

    class Kind(models.TextChoices):
        MESSAGE = "message"
        TIP = "tip"

    reporter_ref = models.CharField(max_length=40)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    objects: models.Manager[Counter] = models.Manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reporter_ref", "kind"], name="abuse_one_counter_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} counter {self.pk}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
