"""Retention with a controlled clock: expired mappings and files are really gone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from satark.audit.models import AuditEvent
from satark.conversations.retention import sweep
from satark.media.models import MediaAsset
from satark.media.pipeline import _write
from satark.tips.models import Tip
from satark.vault.api import reference_for
from satark.vault.models import Identity
from tests import factories as f

pytestmark = pytest.mark.django_db


def closed_tip(phone: str, closed_days_ago: int) -> Tip:
    tip = f.tip("ghazipur", "gambling", description="jua behind the school")
    tip.reporter_ref = reference_for("whatsapp", phone)
    tip.status = Tip.Status.CLOSED
    tip.status_changed_at = timezone.now() - timedelta(days=closed_days_ago)
    tip.save()
    return tip


def with_photo(tip: Tip) -> MediaAsset:
    asset = MediaAsset.objects.create(
        channel="whatsapp", external_id=f"m-{tip.pk}", kind="image", tip=tip, state="ready"
    )
    asset.original_path = _write(f"sealed/{asset.id}", b"original")
    asset.derivative_path = _write(f"derivatives/{asset.id}.jpg", b"derivative")
    asset.save()
    return asset


@override_settings(SATARK_FORGET_REPORTER_AFTER_DAYS=30, SATARK_PURGE_CLOSED_TIPS_AFTER_DAYS=365)
def test_mappings_and_files_go_when_their_time_comes(settings) -> None:  # type: ignore[no-untyped-def]
    f.load_reference()
    old = closed_tip("919000000701", closed_days_ago=400)
    recent = closed_tip("919000000702", closed_days_ago=10)
    busy = closed_tip("919000000703", closed_days_ago=60)
    still_open = f.tip("jaunpur", "illegal_arms")
    still_open.reporter_ref = busy.reporter_ref
    still_open.save()
    photo = with_photo(old)
    files = [Path(settings.MEDIA_ROOT) / photo.original_path, Path(settings.MEDIA_ROOT) / photo.derivative_path]
    assert all(p.exists() for p in files)

    report = sweep(timezone.now())
    assert (report.reporters_forgotten, report.tips_purged) == (1, 1)
    assert not Identity.objects.filter(reference=old.reporter_ref).exists()
    assert Identity.objects.filter(reference=recent.reporter_ref).exists()  # not yet due
    assert Identity.objects.filter(reference=busy.reporter_ref).exists()  # another tip still open
    assert not any(p.exists() for p in files) and not MediaAsset.objects.filter(pk=photo.pk).exists()
    old.refresh_from_db()
    assert (old.description, old.answers, old.category.code) == ("", {}, "gambling")  # statistics survive
    assert AuditEvent.objects.filter(action="reporter.forgotten", object_id=old.reference).exists()
    assert sweep(timezone.now()) == type(report)()  # nothing twice
