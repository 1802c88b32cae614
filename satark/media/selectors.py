"""Read access to sanitised media for staff views (never the sealed original)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models

from satark.tips.models import Tip

from .models import MediaAsset


def media_of(tip: Tip) -> list[MediaAsset]:
    """The reporter's media (not the officers' report media)."""
    return list(MediaAsset.objects.filter(tip=tip, report=None).order_by("created_at"))


def report_media(tip: Tip) -> dict[int, list[MediaAsset]]:
    by_report: dict[int, list[MediaAsset]] = {}
    for asset in MediaAsset.objects.filter(report__tip=tip).order_by("created_at"):
        assert asset.report_id is not None
        by_report.setdefault(asset.report_id, []).append(asset)
    return by_report


def derivative_file(tip: Tip, asset_id: str) -> Path | None:
    asset = (
        MediaAsset.objects.filter(pk=asset_id, state=MediaAsset.State.READY)
        .filter(models.Q(tip=tip) | models.Q(report__tip=tip))
        .first()
    )
    if asset is None or not asset.derivative_path:
        return None
    return Path(settings.MEDIA_ROOT) / asset.derivative_path
