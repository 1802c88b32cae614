"""The durable inbox and outbox: the database, not the queue, is the source of truth."""

from __future__ import annotations

import time

from django.db import models, transaction


class InboxItem(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message"
        STATUS = "status"
        ERROR = "error"
        TEMPLATE = "template"  # the channel's decision about one of our templates (applied on receipt)

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    # "msg:<digest>" / "status:<digest>:<status>" / "err:<uuid>" / "template:<name>/<lang>:<status>:<time>":
    # a redelivered webhook changes nothing.
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
    held_for_template = models.CharField(
        max_length=140, blank=True, default="", help_text="name/language of the template this row waits for"
    )

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
    """Approval state of each declared template in each language, as last seen from the channel
    (`manage.py sync_templates`, and the channel's status-update webhooks).

    What a row whose 24-hour window is closed does with its fallback template (`verdict`):
    SENDABLE -> switch to it; WAITING (in review, appealed, paused for a few hours) -> the row waits,
    and goes as soon as the template is approved; anything else (rejected, disabled, deleted, not
    found on the account) -> the row fails with the reason. With no recorded state at all (the
    command never ran) the channel decides: it refuses a template it does not know (132001)."""

    SENDABLE = ("APPROVED", "FLAGGED")  # FLAGGED: a quality warning, still sendable
    WAITING = ("PENDING", "IN_APPEAL", "PAUSED")
    UNKNOWN = ("", "UNKNOWN")

    name = models.CharField(max_length=100)
    language = models.CharField(max_length=16)
    status = models.CharField(max_length=20, default="UNKNOWN")
    reason = models.CharField(max_length=500, blank=True, help_text="the channel's reason, if it gave one")
    status_at = models.BigIntegerField(default=0, help_text="when the channel reported this status (Unix seconds)")
    remote_id = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="unique_template_language")]

    def __str__(self) -> str:
        return f"{self.name}/{self.language}: {self.status}"

    @staticmethod
    def key(name: str, language: str) -> str:
        return f"{name}/{language}"

    @classmethod
    def verdict(cls, name: str, language: str) -> tuple[str, TemplateState | None]:
        """("send" | "wait" | "refuse", the recorded state) for sending `name` in `language` now."""
        state = cls.objects.filter(name=name, language=language).first()
        if state is None or state.status in cls.UNKNOWN or state.status in cls.SENDABLE:
            return "send", state
        return ("wait" if state.status in cls.WAITING else "refuse"), state

    def describe(self) -> str:
        return f"template {self.key(self.name, self.language)} is {self.status}" + (
            f" ({self.reason})" if self.reason else ""
        )

    @classmethod
    def record(
        cls,
        name: str,
        language: str,
        status: str,
        *,
        at: int | None = None,
        reason: str = "",
        remote_id: str = "",
        category: str = "",
    ) -> bool:
        """Store a status the channel reported at `at` (Unix seconds) unless a later one is recorded
        (webhooks arrive out of order); `at=None` is the state read just now, which always wins. Rows
        waiting for this template are released, to be looked at again at once. Returns True if stored."""
        now = int(time.time())
        with transaction.atomic():
            state, created = cls.objects.select_for_update().get_or_create(name=name, language=language)
            if not created and at is not None and at < state.status_at:
                return False
            state.status = status.upper()[:20]
            state.reason = reason[:500]
            state.status_at = max(state.status_at, now) if at is None else at
            state.remote_id = remote_id or state.remote_id
            state.category = category or state.category
            state.save()
            OutboxItem.objects.filter(state=OutboxItem.State.QUEUED, held_for_template=cls.key(name, language)).update(
                not_before=None
            )
        return True
