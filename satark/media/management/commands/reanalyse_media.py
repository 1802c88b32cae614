"""`manage.py reanalyse_media [--unclassified | --all] [--dry-run]`: queue the analysis of stored media again.

--unclassified (the default): media analysed while the `ml` extra was missing (or SATARK_MEDIA_CLASSIFIERS=0):
    photos, stickers and videos with no classifier, videos and voice notes with no playable copy, voice notes
    with no transcript. Only the missing stages run (docs/ml.md: each stage is skipped when its result is stored).
--all: every fetched item whose analysis ended (done or failed), e.g. after a model update: classification and
    transcription run again; thumbnails and playable copies are kept. The old scores, `restricted` and the old
    transcript stay visible until the new ones are stored in one update, so explicit media are never unblurred
    in between. Evidence frames of the old scores are deleted first (they would otherwise outlive retention).

Idempotent: rows already waiting (`analysis="pending"`) are neither reset nor queued twice, and running
--unclassified again after the worker finished finds nothing. Without the models nothing is queued (it would
change nothing); `manage.py prepare_models` first."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q, QuerySet

from satark.media import analysis, ml
from satark.media.models import MediaAsset
from satark.media.pipeline import _remove_files
from satark.media.tasks import analyse_media

CLASSIFIED_KINDS = ("image", "sticker", "video")
PLAYABLE_KINDS = ("video", "audio")
CHUNK = 500


def unclassified() -> QuerySet[MediaAsset]:
    missing = Q(kind__in=CLASSIFIED_KINDS, classifier="") | Q(kind__in=PLAYABLE_KINDS, playable_path="")
    if settings.SATARK_MEDIA_TRANSCRIBE:
        missing |= Q(kind="audio", transcript_language="")
    return MediaAsset.objects.filter(missing, state=MediaAsset.State.READY, analysis=MediaAsset.Analysis.DONE).exclude(
        kind="document"
    )


def finished() -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(
        state=MediaAsset.State.READY, analysis__in=[MediaAsset.Analysis.DONE, MediaAsset.Analysis.FAILED]
    )


def _evidence_frames(asset: MediaAsset) -> list[str]:
    return [str(v["frame"]) for v in (asset.signals or {}).values() if isinstance(v, dict) and v.get("frame")]


def _reset_for_all(asset: MediaAsset) -> None:
    """Let the classification and transcription stages run again without hiding what is known meanwhile."""
    fields: dict[str, Any] = {}
    if asset.kind in CLASSIFIED_KINDS and asset.classified_at is not None:
        frames = _evidence_frames(asset)
        if frames:
            fields["signals"] = {
                name: ({k: v for k, v in value.items() if k != "frame"} if isinstance(value, dict) else value)
                for name, value in asset.signals.items()
            }
        fields["classified_at"] = None
        MediaAsset.objects.filter(pk=asset.pk).update(**fields)
        _remove_files(*frames)
    elif asset.kind == "audio" and asset.transcript_language:
        MediaAsset.objects.filter(pk=asset.pk).update(transcript_language="")


class Command(BaseCommand):
    help = "Queue the analysis of stored media again: --unclassified (default) or --all. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--unclassified",
            action="store_true",
            help="media analysed without the ml extra (no classifier, playable copy or transcript); the default",
        )
        which.add_argument("--all", action="store_true", help="every finished analysis, e.g. after a model update")
        parser.add_argument("--dry-run", action="store_true", help="count what would be queued, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        everything, dry_run = bool(options["all"]), bool(options["dry_run"])
        if not analysis.classifiers_enabled():
            raise CommandError("SATARK_MEDIA_CLASSIFIERS is off: a new analysis would classify nothing")
        if not ml.installed():
            raise CommandError(
                "the ml extra is not installed or its models are not prepared (manage.py prepare_models): "
                "a new analysis would classify nothing"
            )
        rows = finished() if everything else unclassified()
        pks = list(rows.order_by("-created_at").values_list("pk", flat=True))  # the newest tips first
        kinds = Counter(rows.values_list("kind", flat=True))
        summary = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or "none"
        waiting = MediaAsset.objects.filter(state=MediaAsset.State.READY, analysis=MediaAsset.Analysis.PENDING)
        if dry_run:
            self.stdout.write(f"would queue {len(pks)} media ({summary}); {waiting.count()} already waiting")
            return
        queued = 0
        for start in range(0, len(pks), CHUNK):
            for asset in MediaAsset.objects.filter(pk__in=pks[start : start + CHUNK]):
                if asset.analysis == MediaAsset.Analysis.PENDING:
                    continue  # queued meanwhile (another run, the sweeper): not twice
                if everything:
                    _reset_for_all(asset)
                # conditional: a row another run or a worker changed since it was read is left to them
                claimed = MediaAsset.objects.filter(pk=asset.pk, analysis=asset.analysis).update(
                    analysis=MediaAsset.Analysis.PENDING, analysis_attempts=0, analysis_error=""
                )
                if claimed:
                    analyse_media(str(asset.pk))
                    queued += 1
        self.stdout.write(f"queued {queued} of {len(pks)} selected media ({summary}); {waiting.count()} waiting in all")
        if not everything:
            failed = finished().filter(analysis=MediaAsset.Analysis.FAILED).count()
            if failed:
                self.stdout.write(f"{failed} failed analyses left as they are (--all retries them)")
