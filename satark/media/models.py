"""Media received from reporters: a sealed original (evidence) and a sanitised derivative (for staff)."""

from __future__ import annotations

import uuid

from django.db import models

from satark.tips.models import ActionReport, Tip


class MediaAsset(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        READY = "ready"
        REJECTED = "rejected"
        FAILED = "failed"

    class Analysis(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=16)
    external_id = models.CharField(max_length=200)
    conversation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    tip = models.ForeignKey(Tip, on_delete=models.SET_NULL, null=True, blank=True, related_name="media")
    # Media an officer sent with an action-taken report (None for the reporter's own media).
    report = models.ForeignKey(ActionReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="media")
    kind = models.CharField(max_length=16)
    declared_mime = models.CharField(max_length=100, blank=True)
    declared_sha256 = models.CharField(max_length=100, blank=True)
    caption = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text="hex digest of the original as received")
    size = models.BigIntegerField(null=True, blank=True)
    detected_mime = models.CharField(max_length=100, blank=True)
    original_path = models.CharField(max_length=300, blank=True, help_text="sealed original (restricted)")
    derivative_path = models.CharField(max_length=300, blank=True, help_text="metadata-free copy for staff")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    reject_reason = models.CharField(max_length=16, blank=True, help_text="too_large | unreadable")
    # Classification (media pipeline, optional ML extra). `restricted`: explicit content; blurred on the
    # dashboard until a permitted user reveals it, and withheld from officers' WhatsApp tasks.
    restricted = models.BooleanField(default=False)
    signals = models.JSONField(default=dict, blank=True, help_text="signal name -> {score, evidence}")
    classified_at = models.DateTimeField(null=True, blank=True)
    classifier = models.CharField(max_length=100, blank=True, help_text="models and versions used; '' = unclassified")
    thumbnail_path = models.CharField(max_length=300, blank=True)
    playable_path = models.CharField(max_length=300, blank=True, help_text="browser-playable audio/video derivative")
    transcript = models.TextField(blank=True, help_text="automatic transcription of a voice note; may be wrong")
    transcript_language = models.CharField(max_length=8, blank=True)
    # State of the analysis after the fetch (thumbnail, playable copy, classifiers, transcription;
    # satark.media.analysis). Each stage stores its result as it finishes, so a killed worker's job resumes
    # at the first unfinished stage; "done" with classifier '' means the media are unclassified.
    analysis = models.CharField(max_length=10, choices=Analysis.choices, default=Analysis.PENDING)
    analysis_attempts = models.PositiveSmallIntegerField(default=0)
    analysis_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="unique_channel_media")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def unclassified(self) -> bool:
        """No classifier has looked at this item: say "unclassified", never "safe"."""
        return not self.classifier

    def stored_files(self) -> list[str]:
        """Every file kept for this item, relative to MEDIA_ROOT (for deletion: retention, cancel)."""
        frames = [str(s.get("frame", "")) for s in (self.signals or {}).values() if isinstance(s, dict)]
        paths = [self.original_path, self.derivative_path, self.thumbnail_path, self.playable_path, *frames]
        if self.thumbnail_path:
            paths.append(blurred_name(self.thumbnail_path))
        return sorted({p for p in paths if p})


def blurred_name(thumbnail_path: str) -> str:
    """The heavily blurred thumbnail kept beside the thumbnail of restricted media (for the dashboard)."""
    stem, _, suffix = thumbnail_path.rpartition(".")
    return f"{stem}.blurred.{suffix}"
