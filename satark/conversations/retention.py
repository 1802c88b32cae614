"""Retention (privacy rule 7): after a tip is closed, the only link back to its reporter — the vault
mapping — is deleted once the reporter has nothing open any more; later, the tip's free text and media
can be purged too, keeping only what statistics need. Deletion is real: rows and files."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from satark.abuse import actions as abuse
from satark.audit.actions import record
from satark.media.models import MediaAsset
from satark.messaging.models import InboxItem, OutboxItem
from satark.tips.models import Tip
from satark.vault import api as vault

from .models import Conversation

log = logging.getLogger(__name__)


@dataclass
class RetentionReport:
    reporters_forgotten: int = 0
    tips_purged: int = 0


def _has_open_business(reporter_ref: str) -> bool:
    return (
        Tip.objects.filter(reporter_ref=reporter_ref).exclude(status=Tip.Status.CLOSED).exists()
        or Conversation.objects.filter(reporter_ref=reporter_ref, active=True).exists()
        or OutboxItem.objects.filter(recipient_ref=reporter_ref, state__in=("queued", "sending")).exists()
    )


def forget_reporters(now: datetime) -> int:
    cutoff = now - timedelta(days=settings.SATARK_FORGET_REPORTER_AFTER_DAYS)
    due = Tip.objects.filter(status=Tip.Status.CLOSED, status_changed_at__lt=cutoff, reporter_forgotten_at=None)
    forgotten = 0
    for ref in sorted(set(due.values_list("reporter_ref", flat=True))):
        if _has_open_business(ref):
            continue
        with transaction.atomic():
            existed = vault.forget(ref)
            abuse.forget_reporter(ref)
            Conversation.objects.filter(reporter_ref=ref).delete()
            InboxItem.objects.filter(sender_ref=ref).delete()
            OutboxItem.objects.filter(recipient_ref=ref).exclude(state__in=("queued", "sending")).delete()
            for tip in Tip.objects.filter(reporter_ref=ref):
                record("reporter.forgotten", "tip", tip.reference, details={"vault_row": existed})
            Tip.objects.filter(reporter_ref=ref).update(reporter_forgotten_at=now)
        forgotten += 1
    return forgotten


def _delete_files(asset: MediaAsset) -> None:
    for relative in asset.stored_files():  # original, derivative, thumbnails, playable copy, evidence frames
        (Path(settings.MEDIA_ROOT) / relative).unlink(missing_ok=True)


def purge_closed_tips(now: datetime) -> int:
    days = settings.SATARK_PURGE_CLOSED_TIPS_AFTER_DAYS
    if not days:
        return 0  # keeping closed tips whole is the default: evidence may be needed in court
    cutoff = now - timedelta(days=days)
    purged = 0
    for tip in Tip.objects.filter(status=Tip.Status.CLOSED, status_changed_at__lt=cutoff, purged_at=None):
        with transaction.atomic():
            for asset in MediaAsset.objects.filter(tip=tip) | MediaAsset.objects.filter(report__tip=tip):
                _delete_files(asset)
                asset.delete()
            tip.reports.update(text="")
            Tip.objects.filter(pk=tip.pk).update(
                description="", answers={}, place_text="", occurred_text="", purged_at=now
            )
            record("tip.purged", "tip", tip.reference)
        purged += 1
    return purged


def sweep(now: datetime) -> RetentionReport:
    report = RetentionReport(reporters_forgotten=forget_reporters(now), tips_purged=purge_closed_tips(now))
    abuse.prune_counters(now)  # rate-limit windows that have ended
    if report.reporters_forgotten or report.tips_purged:
        log.info("retention: %s", report)
    return report
