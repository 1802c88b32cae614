"""The durable inbox and outbox: the database, not the queue, is the source of truth."""

from __future__ import annotations

from django.db import models


class InboxItem(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message"
        STATUS = "status"
        ERROR = "error"

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    # "msg:<digest>" / "status:<digest>:<status>" / "err:<uuid>": a redelivered webhook changes nothing.
    # Message ids are stored only as keyed digests (vault.api.id_digest): WhatsApp ids embed the number.
    dedupe_key = models.CharField(max_length=300, unique=True)
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sender_ref = models.CharField(max_length=40, blank=True, db_index=True)
    payload = models.JSONField(help_text="the item without any identifier")
    sealed_id = models.TextField(blank=True, help_text="the channel's message id, encrypted, until marked read")
    event_ts = models.BigIntegerField(help_text="channel's timestamp (Unix seconds)")
    received_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "sender_ref", "event_ts"])]

    def __str__(self) -> str:
        return self.dedupe_key


class OutboxItem(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"  # handed to the channel; the outcome is not recorded yet
        SENT = "sent"
        DELIVERED = "delivered"
        READ = "read"
        FAILED = "failed"

    channel = models.CharField(max_length=16, default="whatsapp")
    recipient_ref = models.CharField(max_length=40, db_index=True)
    payload = models.JSONField(help_text="channel-neutral message")
    purpose = models.CharField(max_length=32, default="conversation")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    external_id = models.CharField(
        max_length=200, null=True, blank=True, unique=True, help_text="digest of the channel's message id"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    error_code = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    not_before = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "recipient_ref", "id"])]

    def __str__(self) -> str:
        return f"outbox {self.pk} {self.state}"


class Contact(models.Model):
    """Per-recipient delivery facts: the conversation window and pair-rate pacing. No identifiers."""

    recipient_ref = models.CharField(max_length=40, unique=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True, help_text="opens the 24-hour window")
    tokens = models.FloatField(null=True, blank=True, help_text="pacing bucket; None = full")
    tokens_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"contact {self.pk}"


class TemplateState(models.Model):
    """Approval state of each declared template in each language, as last seen from the channel."""

    name = models.CharField(max_length=100)
    language = models.CharField(max_length=16)
    status = models.CharField(max_length=20, default="UNKNOWN")
    remote_id = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="unique_template_language")]

    def __str__(self) -> str:
        return f"{self.name}/{self.language}: {self.status}"
