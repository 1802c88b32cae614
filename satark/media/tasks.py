from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from satark.messaging.locks import expiring_lock

from . import analysis, pipeline
from .models import MediaAsset


@db_task(retries=5, retry_delay=10)
def fetch_media(asset_id: str) -> str:
    asset = pipeline.process(asset_id)
    if asset is not None and asset.state == MediaAsset.State.READY and asset.analysis == MediaAsset.Analysis.PENDING:
        analyse_media(asset_id)
    return asset.state if asset else "gone"


@db_task(retries=2, retry_delay=30)
def analyse_media(asset_id: str) -> str:
    """Thumbnail, playable copy, classification, transcription (satark.media.analysis). One worker per asset
    at a time; a lock left by a killed worker expires, and the sweeper enqueues the asset again."""
    try:
        with expiring_lock(f"analyse:{asset_id}", ttl=900):
            asset = analysis.run(asset_id)
    except TaskLockedException:
        return "busy"
    return asset.analysis if asset else "gone"


@db_periodic_task(crontab(minute="*"))
def sweep_media() -> None:
    """Huey has no acknowledgements: pending media whose task was lost is fetched (or analysed) again."""
    for asset_id in pipeline.stale_pending():
        fetch_media(asset_id)
    for asset_id in analysis.stale():
        analyse_media(asset_id)
