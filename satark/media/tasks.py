from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import pipeline


@db_task(retries=5, retry_delay=10)
def fetch_media(asset_id: str) -> str:
    return pipeline.process(asset_id).state
