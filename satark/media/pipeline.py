"""Fetch -> verify -> sniff -> seal the original -> sanitised derivative. Idempotent per asset."""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from satark.core.redaction import redact
from satark.messaging.channels import get_channel
from satark.messaging.types import MediaTooLarge, SendError

from .models import MediaAsset
from .sanitize import (
    DOCUMENT_SUFFIX,
    MediaRejected,
    document_mime,
    matches_kind,
    sanitized_document,
    sanitized_image,
    sniff,
)

log = logging.getLogger(__name__)


def register(
    *, channel: str, external_id: str, kind: str, mime: str, sha256: str, caption: str, conversation_id: int | None
) -> MediaAsset:
    from . import tasks

    asset, created = MediaAsset.objects.get_or_create(
        channel=channel,
        external_id=external_id,
        defaults={
            "kind": kind,
            "declared_mime": mime,
            "declared_sha256": sha256,
            "caption": caption,
            "conversation_id": conversation_id,
        },
    )
    if created:
        transaction.on_commit(lambda: tasks.fetch_media(str(asset.id)))
    return asset


def _write(relative: str, content: bytes) -> str:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(content)
    tmp.chmod(0o600)
    tmp.replace(path)
    return relative


def _digest_matches(declared: str, content: bytes) -> bool:
    digest = hashlib.sha256(content).digest()
    if not declared:
        return True
    return declared in (base64.b64encode(digest).decode(), digest.hex())


FETCH_FIELDS = [
    "sha256",
    "size",
    "detected_mime",
    "original_path",
    "derivative_path",
    "state",
    "attempts",
    "error",
    "reject_reason",
]
MAX_ATTEMPTS = 5


def _remove_files(*relatives: str) -> None:
    for relative in relatives:
        if relative:
            (Path(settings.MEDIA_ROOT) / relative).unlink(missing_ok=True)


def _store(asset: MediaAsset) -> None:
    """Write only what the fetch owns: the tip link may have been set (or the row deleted, by a
    cancel) while the download was running."""
    values = {field: getattr(asset, field) for field in FETCH_FIELDS}
    if MediaAsset.objects.filter(pk=asset.pk).update(**values) == 0:
        _remove_files(asset.original_path, asset.derivative_path)  # cancelled meanwhile: keep nothing


def process(asset_id: str) -> MediaAsset | None:
    asset = MediaAsset.objects.filter(pk=asset_id).first()
    if asset is None or asset.state != MediaAsset.State.PENDING:
        return asset  # gone or already done: processing the same media twice changes nothing
    asset.attempts += 1
    cap = settings.SATARK_MEDIA_MAX_BYTES.get(asset.kind, 16 * 1024 * 1024)
    try:
        fetched = get_channel().fetch_media(asset.external_id, cap)
        content = fetched.content
        if len(content) > cap:
            raise MediaRejected(
                f"file of {len(content)} bytes is over the {cap}-byte cap for {asset.kind}", "too_large"
            )
        if not _digest_matches(asset.declared_sha256 or fetched.declared_sha256, content):
            raise MediaRejected("SHA-256 does not match the value the channel declared")
        detected = sniff(content)
        if detected == "application/zip":
            detected = document_mime(content)
        if not matches_kind(asset.kind, detected):
            raise MediaRejected(f"content is {detected or 'unknown'}, not {asset.kind}")
        asset.sha256 = hashlib.sha256(content).hexdigest()
        asset.size = len(content)
        asset.detected_mime = detected
        asset.original_path = _write(f"sealed/{asset.id}", content)
        if asset.kind in ("image", "sticker") or (asset.kind == "document" and detected.startswith("image/")):
            asset.derivative_path = _write(f"derivatives/{asset.id}.jpg", sanitized_image(content))
        elif asset.kind == "document" and detected in DOCUMENT_SUFFIX:
            asset.derivative_path = _write(
                f"derivatives/{asset.id}{DOCUMENT_SUFFIX[detected]}", sanitized_document(content, detected)
            )
        asset.state = MediaAsset.State.READY
        asset.error = ""
    except (MediaRejected, MediaTooLarge) as exc:
        asset.state = MediaAsset.State.REJECTED
        asset.error = str(exc)[:300]
        asset.reject_reason = exc.reason if isinstance(exc, MediaRejected) else "too_large"
        _store(asset)
        import_string(settings.SATARK_MEDIA_REJECTED_HANDLER)(asset)
        return asset
    except Exception as exc:
        retryable = isinstance(exc, SendError) and exc.retryable
        asset.error = redact(f"{type(exc).__name__}: {exc}")[:300]
        if not retryable or asset.attempts >= MAX_ATTEMPTS:
            asset.state = MediaAsset.State.FAILED
        _store(asset)
        if asset.state == MediaAsset.State.FAILED:
            log.warning("media %s failed: %s", asset.pk, asset.error)
            # The sender is told it did not arrive (and to send it again), as for a file refused.
            asset.reject_reason = "not_received"
            MediaAsset.objects.filter(pk=asset.pk).update(reject_reason="not_received")
            import_string(settings.SATARK_MEDIA_REJECTED_HANDLER)(asset)
            return asset
        raise
    _store(asset)
    return asset


def stale_pending(older_than_seconds: int = 120) -> list[str]:
    """Pending media whose fetch task was lost (a killed consumer): the sweeper fetches them again."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return [
        str(pk) for pk in MediaAsset.objects.filter(state="pending", created_at__lt=cutoff).values_list("pk", flat=True)
    ]


def discard_unsubmitted(conversation_id: int) -> int:
    """A cancelled report keeps nothing: rows and files of media not attached to a tip are deleted."""
    count = 0
    for asset in MediaAsset.objects.filter(conversation_id=conversation_id, tip=None):
        _remove_files(*asset.stored_files())
        asset.delete()
        count += 1
    return count
