"""After the fetch: guards -> thumbnail / poster frame -> browser-playable copy -> classification ->
transcription. Idempotent and resumable per asset: each stage is skipped when its result is already stored,
and stores its result as soon as it has it, so a killed worker's job resumes at the first unfinished stage
(the sweeper re-enqueues `analysis="pending"` rows) and running the same asset twice changes nothing.

Without the `ml` extra (or with SATARK_MEDIA_CLASSIFIERS=0) the classification stage records nothing and
the item stays "unclassified" (`classifier == ""`); the product never calls such media safe."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageFilter

from satark.core.redaction import redact

from . import avmedia
from .models import MediaAsset, blurred_name
from .pipeline import _write
from .sanitize import MediaRejected

log = logging.getLogger(__name__)

THUMBNAIL_SIDE = 320
MAX_ATTEMPTS = 3
VISUAL = ("image", "sticker", "video")


def _path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _jpeg(img: Image.Image, side: int | None = None, quality: int = 80) -> bytes:
    rgb = img.convert("RGB")
    if side:
        rgb.thumbnail((side, side))
    clean = Image.new("RGB", rgb.size)  # pixels only: no metadata can follow
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _blurred(img: Image.Image) -> bytes:
    small = img.convert("RGB")
    small.thumbnail((24, 24))  # too few pixels to show anything; blurred again when scaled up
    return _jpeg(
        small.resize((THUMBNAIL_SIDE, max(1, THUMBNAIL_SIDE * small.height // small.width))).filter(
            ImageFilter.GaussianBlur(12)
        )
    )


def _save(asset: MediaAsset, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(asset, name, value)
    MediaAsset.objects.filter(pk=asset.pk).update(**fields)


def _is_picture(asset: MediaAsset) -> bool:
    return asset.kind in ("image", "sticker") or (
        asset.kind == "document" and asset.detected_mime.startswith("image/") and bool(asset.derivative_path)
    )


def _open_picture(asset: MediaAsset) -> Image.Image:
    with Image.open(_path(asset.derivative_path)) as img:  # our own re-encoded JPEG, already size-guarded
        img.load()
        return img.convert("RGB")


# --- stages ------------------------------------------------------------------------------------------


def _thumbnail(asset: MediaAsset, picture: Image.Image) -> None:
    if not asset.thumbnail_path:
        relative = _write(f"thumbnails/{asset.id}.jpg", _jpeg(picture, THUMBNAIL_SIDE))
        _write(blurred_name(relative), _blurred(picture))
        _save(asset, thumbnail_path=relative)


def _playable(asset: MediaAsset) -> None:
    if asset.playable_path:
        return
    content, suffix = avmedia.playable(_path(asset.original_path), asset.kind)
    relative = _write(f"derivatives/{asset.id}{suffix}", content)
    # the playable copy is also the metadata-free derivative staff download
    _save(asset, playable_path=relative, derivative_path=asset.derivative_path or relative)


def classifiers_enabled() -> bool:
    return bool(settings.SATARK_MEDIA_CLASSIFIERS)


def _image_models() -> Any:
    from .ml import vision

    return vision.models()


def _worst(per_frame: list[tuple[float | None, Image.Image, dict[str, dict[str, Any]]]]) -> dict[str, Any]:
    """Per signal, the frame with the highest score wins; its time and picture are the evidence."""
    signals: dict[str, Any] = {}
    for at, picture, scores in per_frame:
        for name, value in scores.items():
            if name not in signals or value["score"] > signals[name]["score"]:
                signals[name] = {**value, "_at": at, "_picture": picture}
    return signals


def _classify(asset: MediaAsset, picture: Image.Image | None, probe: avmedia.Probe | None) -> None:
    if asset.classified_at is not None or not classifiers_enabled():
        return
    from .ml.store import ModelUnavailable

    try:
        models = _image_models()
    except ModelUnavailable as exc:
        log.info("media %s stays unclassified: %s", asset.pk, exc)
        return
    if picture is not None:
        frames: list[tuple[float | None, Image.Image, dict[str, dict[str, Any]]]] = [
            (None, picture, models.score(picture))
        ]
    else:
        assert probe is not None
        frames = [
            (at, img, models.score(img))
            for at, img in avmedia.sample_frames(_path(asset.original_path), probe.duration)
        ]
        if not frames:
            raise MediaRejected("no frame of the video decodes")
    worst = _worst(frames)
    signals: dict[str, Any] = {}
    kept: dict[float, str] = {}
    thresholds = settings.SATARK_SENSITIVITY_THRESHOLDS
    for name, value in worst.items():
        at, img = value.pop("_at"), value.pop("_picture")
        if at is not None:
            value["at"] = round(at, 1)
            value["evidence"] = f"{value['evidence']} (frame at {at:.0f} s of {len(frames)} sampled)"
            low = thresholds.get(f"{name}_possible", thresholds.get(name, 1.0))
            if name != "labels" and value["score"] >= low:
                if at not in kept:  # the frame an operator is shown (re-encoded pixels, no metadata)
                    kept[at] = _write(f"derivatives/{asset.id}-frame-{int(at * 10)}.jpg", _jpeg(img, 960))
                value["frame"] = kept[at]
        signals[name] = value
    restricted = signals.get("explicit", {}).get("score", 0.0) >= thresholds["explicit"]
    _save(
        asset,
        signals=signals,
        restricted=restricted,
        classifier=models.version[:100],
        classified_at=timezone.now(),
    )


def _transcribe(asset: MediaAsset) -> None:
    if asset.transcript_language or not classifiers_enabled() or not settings.SATARK_MEDIA_TRANSCRIBE:
        return
    from .ml.store import ModelUnavailable

    try:
        from .ml import speech

        transcriber = speech.transcriber()
    except ModelUnavailable as exc:
        log.info("voice note %s not transcribed: %s", asset.pk, exc)
        return
    result = transcriber.transcribe(avmedia.decode_audio(_path(asset.original_path)))
    _save(asset, transcript=result.text, transcript_language=result.language or "none")


# --- the job -----------------------------------------------------------------------------------------


def run(asset_id: str) -> MediaAsset | None:
    asset = MediaAsset.objects.filter(pk=asset_id).first()
    if asset is None or asset.state != MediaAsset.State.READY or asset.analysis != MediaAsset.Analysis.PENDING:
        return asset
    _save(asset, analysis_attempts=asset.analysis_attempts + 1)
    try:
        picture: Image.Image | None = None
        probe: avmedia.Probe | None = None
        if _is_picture(asset):
            picture = _open_picture(asset)
            _thumbnail(asset, picture)
            if asset.kind != "document":
                _classify(asset, picture, None)
        elif asset.kind in ("video", "audio"):
            if not avmedia.available():
                log.info("media %s: PyAV is not installed (ml extra); no playable copy", asset.pk)
            else:
                probe = avmedia.probe(_path(asset.original_path), asset.kind)  # guards before decoding
                if asset.kind == "video":
                    if not asset.thumbnail_path:
                        first = next(iter(avmedia.sample_frames(_path(asset.original_path), probe.duration)), None)
                        if first is None:
                            raise MediaRejected("no frame of the video decodes")
                        _thumbnail(asset, first[1])
                    _playable(asset)
                    _classify(asset, None, probe)
                else:
                    _playable(asset)
                    _transcribe(asset)
        _save(asset, analysis=MediaAsset.Analysis.DONE, analysis_error="")
    except MediaRejected as exc:  # a guard or an undecodable file: no retry will help
        _save(asset, analysis=MediaAsset.Analysis.FAILED, analysis_error=str(exc)[:300])
        log.warning("media %s analysis refused: %s", asset.pk, exc)
    except Exception as exc:
        error = redact(f"{type(exc).__name__}: {exc}")[:300]
        if asset.analysis_attempts >= MAX_ATTEMPTS:
            _save(asset, analysis=MediaAsset.Analysis.FAILED, analysis_error=error)
            log.exception("media %s analysis failed", asset.pk)
        else:
            _save(asset, analysis_error=error)
            raise
    if asset.tip_id is not None:
        from . import sensitivity

        sensitivity.refresh_by_id(asset.tip_id)
    return asset


def stale(older_than_seconds: int = 300) -> list[str]:
    """Fetched media whose analysis never finished (a killed worker, a lost task)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return [
        str(pk)
        for pk in MediaAsset.objects.filter(
            state=MediaAsset.State.READY, analysis=MediaAsset.Analysis.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    ]
