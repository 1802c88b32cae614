from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import pipeline


@db_task(retries=5, retry_delay=10)
def fetch_media(asset_id: str) -> str:
    asset = pipeline.process(asset_id)
    return asset.state if asset else "gone"


@db_periodic_task(crontab(minute="*"))
def sweep_media() -> None:
    """Huey has no acknowledgements: pending media whose task was lost is fetched again."""
    for asset_id in pipeline.stale_pending():
        fetch_media(asset_id)
