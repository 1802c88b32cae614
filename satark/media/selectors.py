"""Read access to sanitised media for staff views (never the sealed original)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from satark.tips.models import Tip

from .models import MediaAsset


def media_of(tip: Tip) -> list[MediaAsset]:
    return list(MediaAsset.objects.filter(tip=tip).order_by("created_at"))


def derivative_file(tip: Tip, asset_id: str) -> Path | None:
    asset = MediaAsset.objects.filter(tip=tip, pk=asset_id, state=MediaAsset.State.READY).first()
    if asset is None or not asset.derivative_path:
        return None
    return Path(settings.MEDIA_ROOT) / asset.derivative_path
