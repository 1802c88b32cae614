"""The analysis stages after the fetch: thumbnails, playable copies, classification, transcription; state in the
database, resumable after a killed worker, idempotent; guards against hostile files; the no-ML path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from PIL import Image

from satark.media import analysis, tasks
from satark.media.ml import speech
from satark.media.models import MediaAsset, blurred_name
from satark.media.sanitize import MediaRejected, sanitized_image

from . import factory

pytestmark = pytest.mark.django_db


def _file(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _red(img: Image.Image) -> int:
    pixel = img.convert("RGB").getpixel((5, 5))
    assert isinstance(pixel, tuple)
    return int(pixel[0])


def _row(asset: MediaAsset) -> dict[str, Any]:
    values: dict[str, Any] = dict(MediaAsset.objects.filter(pk=asset.pk).values().get())
    values.pop("analysis_attempts")
    return values


def test_photo_is_thumbnailed_and_classified_once() -> None:
    asset = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg")
    tasks.analyse_media(str(asset.id))
    asset.refresh_from_db()
    assert asset.analysis == "done" and asset.analysis_error == ""
    assert asset.classifier.startswith("open_nsfw") and asset.classified_at is not None
    assert set(asset.signals) == {"explicit", "weapon", "vehicle", "cattle", "labels"}
    for name in ("explicit", "weapon", "vehicle", "cattle"):
        assert 0.0 <= asset.signals[name]["score"] <= 1.0 and asset.signals[name]["evidence"]
    assert asset.signals["explicit"]["score"] < settings.SATARK_SENSITIVITY_THRESHOLDS["explicit"]
    assert not asset.restricted
    with Image.open(_file(asset.thumbnail_path)) as thumb:
        assert max(thumb.size) == analysis.THUMBNAIL_SIDE and not thumb.getexif()
    assert _file(blurred_name(asset.thumbnail_path)).is_file()
    before, mtime = _row(asset), _file(asset.thumbnail_path).stat().st_mtime_ns
    # the same asset again (a duplicate task, the sweeper): nothing changes
    MediaAsset.objects.filter(pk=asset.pk).update(analysis="pending")
    tasks.analyse_media(str(asset.id))
    assert _row(asset) | {"analysis": "pending"} == before | {"analysis": "pending"}
    assert _file(asset.thumbnail_path).stat().st_mtime_ns == mtime


def test_killed_worker_resumes_at_the_unfinished_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    asset = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg")

    def killed(*args: Any) -> None:
        raise SystemExit("worker killed")  # not an Exception: nothing in the job may swallow it

    monkeypatch.setattr(analysis, "_classify", killed)
    with pytest.raises(SystemExit):
        analysis.run(str(asset.id))
    monkeypatch.undo()
    asset.refresh_from_db()
    assert asset.analysis == "pending" and asset.thumbnail_path and asset.classified_at is None
    thumb_mtime = _file(asset.thumbnail_path).stat().st_mtime_ns
    assert analysis.stale() == []  # too fresh for the sweeper
    MediaAsset.objects.filter(pk=asset.pk).update(created_at=asset.created_at.replace(year=2020))
    assert analysis.stale() == [str(asset.id)]
    tasks.sweep_media.call_local()
    asset.refresh_from_db()
    assert asset.analysis == "done" and asset.classified_at is not None and asset.analysis_attempts == 2
    assert _file(asset.thumbnail_path).stat().st_mtime_ns == thumb_mtime  # the finished stage was not redone


def test_video_poster_playable_copy_and_worst_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    content = factory.video([(30, 30, 30), (40, 160, 40), (250, 250, 250), (40, 160, 40)], seconds_each=2.0)
    asset = factory.ready_asset("video", content, mime="video/mp4")
    from satark.media.ml import vision

    real = vision.models()

    class OneBadFrame:
        version = real.version

        def score(self, img: Image.Image) -> dict[str, dict[str, Any]]:
            scores = real.score(img)
            if _red(img) > 200:  # the white scene, 4-6 s
                scores["weapon"] = {"score": 0.9, "evidence": "revolver 0.90"}
            return scores

    monkeypatch.setattr(analysis, "_image_models", OneBadFrame)
    analysis.run(str(asset.id))
    asset.refresh_from_db()
    assert asset.analysis == "done", asset.analysis_error
    weapon = asset.signals["weapon"]
    assert weapon["score"] == 0.9 and 4.0 <= weapon["at"] < 6.0 and "frame at" in weapon["evidence"]
    with Image.open(_file(weapon["frame"])) as frame:
        assert _red(frame) > 200
    assert "frame" not in asset.signals["cattle"]  # only frames that are evidence are kept
    assert asset.thumbnail_path and asset.playable_path.endswith(".webm")
    assert asset.derivative_path == asset.playable_path
    playable = _file(asset.playable_path).read_bytes()
    for secret in (b"SENTINEL-PHONE", b"Ramkumar", factory.GPS.encode(), b"+25.3176"):
        assert secret not in playable
    import av

    with av.open(str(_file(asset.playable_path))) as copy:
        assert copy.streams.video[0].codec_context.name == "vp9"
        assert 7.0 <= float((copy.duration or 0) / 1_000_000) <= 8.5
        assert not {k for k in copy.metadata if k.lower() not in ("encoder",)}


def test_voice_notes_are_transcribed_hindi_first() -> None:
    hindi = factory.ready_asset("audio", (factory.DATA / "voice-hi.ogg").read_bytes(), mime="audio/ogg")
    english = factory.ready_asset("audio", (factory.DATA / "voice-en.ogg").read_bytes(), mime="audio/ogg")
    analysis.run(str(hindi.id))
    analysis.run(str(english.id))
    hindi.refresh_from_db()
    english.refresh_from_db()
    assert hindi.transcript_language == "hi" and english.transcript_language == "en"
    devanagari = sum("\u0900" <= ch <= "\u097f" for ch in hindi.transcript)
    assert devanagari >= 10 and "पुलिस" in hindi.transcript, hindi.transcript  # "police", said at the end
    assert speech.HINDI_PROMPT not in hindi.transcript
    assert "police" in english.transcript.lower() and "village" in english.transcript.lower()
    assert hindi.playable_path.endswith(".ogg") and english.classifier == ""  # audio has no image classifier
    # (its speed is measured by bench/media.py, not asserted here)


def test_without_classifiers_media_are_unclassified_never_safe() -> None:
    with override_settings(SATARK_MEDIA_CLASSIFIERS=False):
        asset = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg")
        analysis.run(str(asset.id))
    asset.refresh_from_db()
    assert asset.analysis == "done" and asset.thumbnail_path
    assert asset.unclassified and asset.classifier == "" and asset.signals == {} and asset.classified_at is None
    assert not asset.restricted


# --- hostile files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(20_000, 20_000), (7_000, 7_000), (40_000, 10)])
def test_decompression_bombs_are_refused_before_decoding(size: tuple[int, int]) -> None:
    # The file holds a header and a few bytes: had it been decoded, it would be refused as unreadable (the
    # pixels are missing), not as too large. The guard reads the header only.
    with pytest.raises(MediaRejected) as refused:
        sanitized_image(factory.png_claiming(*size))
    assert refused.value.reason == "too_large"


def test_a_polyglot_keeps_nothing_but_pixels() -> None:
    payload = b"PK\x03\x04" + b"<script>alert(1)</script>" * 20
    derivative = sanitized_image(factory.jpeg() + payload)
    assert b"<script>" not in derivative and derivative.startswith(b"\xff\xd8\xff")


def test_an_undecodable_video_fails_its_analysis_cleanly() -> None:
    asset = factory.ready_asset("video", b"\x00\x00\x00\x18ftypmp42" + os.urandom(4000), mime="video/mp4")
    tasks.analyse_media(str(asset.id))
    asset.refresh_from_db()
    assert asset.state == "ready" and asset.analysis == "failed" and asset.analysis_error
    assert not asset.playable_path and asset.unclassified


def test_over_long_media_are_not_decoded() -> None:
    asset = factory.ready_asset("video", factory.video([(10, 10, 10)], seconds_each=3.0), mime="video/mp4")
    with override_settings(SATARK_MEDIA_MAX_SECONDS={"video": 2, "audio": 2}):
        analysis.run(str(asset.id))
    asset.refresh_from_db()
    assert asset.analysis == "failed" and "longer than 2 s" in asset.analysis_error
    assert not asset.playable_path and not asset.thumbnail_path
