"""Read access to sanitised media for staff views (never the sealed original)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models

from satark.tips.models import Tip

from .models import MediaAsset, blurred_name


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


def shareable_media(tip: Tip) -> tuple[list[MediaAsset], int]:
    """The reporter's media that may be forwarded to an officer on WhatsApp (sanitised, not restricted), and
    how many were withheld because they are restricted (explicit). Media the classifiers have not looked at
    are shareable only as they were before classification existed: the caller may say they are unclassified
    (`asset.unclassified`); they are never described as safe."""
    ready = [a for a in media_of(tip) if a.state == MediaAsset.State.READY and a.derivative_path]
    shareable = [a for a in ready if not a.restricted]
    return shareable, len(ready) - len(shareable)


def thumbnail_file(tip: Tip, asset_id: str, *, blurred: bool = False) -> Path | None:
    """The thumbnail (or poster frame) of a tip's media item; `blurred=True` gives the heavily blurred one
    kept for restricted media (show it until a permitted user reveals the item)."""
    asset = (
        MediaAsset.objects.filter(pk=asset_id, state=MediaAsset.State.READY)
        .filter(models.Q(tip=tip) | models.Q(report__tip=tip))
        .first()
    )
    if asset is None or not asset.thumbnail_path:
        return None
    return Path(settings.MEDIA_ROOT) / (blurred_name(asset.thumbnail_path) if blurred else asset.thumbnail_path)
