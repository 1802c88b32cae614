"""`manage.py reanalyse_media`: media analysed before the ml extra was installed are classified, transcribed and
given playable copies when it is; running it again changes nothing; --all re-runs the models without ever
hiding what is known (explicit media stay restricted until the new scores are stored)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from satark.media import analysis
from satark.media.models import MediaAsset
from satark.media.pipeline import _write
from satark.tips.models import Category, Tip
from satark.tips.reasons import describe

from . import factory

pytestmark = pytest.mark.django_db


def _reanalyse(*args: str) -> str:
    out = io.StringIO()
    call_command("reanalyse_media", *args, stdout=out)
    return out.getvalue()


def _rows() -> dict[str, dict[str, Any]]:
    return {str(row["id"]): dict(row) for row in MediaAsset.objects.order_by("id").values()}


def _without_ml(*assets: MediaAsset) -> None:
    with override_settings(SATARK_MEDIA_CLASSIFIERS=False):
        for asset in assets:
            analysis.run(str(asset.id))


def test_media_analysed_without_the_ml_extra_are_classified_once() -> None:
    category = Category.objects.create(code="illegal_arms", title={"en": "Illegal arms"}, description={"en": "x"})
    tip = Tip.objects.create(reference="TST-RA001", category=category, language="hi", reporter_ref="rp_x")
    photo = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg", tip=tip)
    video = factory.ready_asset("video", factory.video([(30, 30, 30), (40, 160, 40)], 2.0), mime="video/mp4", tip=tip)
    voice = factory.ready_asset("audio", (factory.DATA / "voice-en.ogg").read_bytes(), mime="audio/ogg", tip=tip)
    document = factory.ready_asset("document", b"%PDF-1.4 not analysed", mime="application/pdf", tip=tip)
    _without_ml(photo, video, voice, document)
    broken = factory.ready_asset("video", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, mime="video/mp4")
    analysis.run(str(broken.id))
    waiting = factory.ready_asset("image", factory.jpeg(factory.picture((10, 10, 10))), mime="image/jpeg")
    for asset in (photo, video, voice, document, broken):
        asset.refresh_from_db()
    assert photo.unclassified and video.unclassified and voice.transcript == ""
    assert broken.analysis == "failed" and waiting.analysis == "pending"
    tip.refresh_from_db()
    assert "2 of 2 photo/video unclassified" in describe(tip.sensitivity_reasons, translate=False)

    assert _reanalyse("--dry-run").startswith("would queue 3 media (audio 1, image 1, video 1); 1 already waiting")
    untouched = _rows()
    assert _reanalyse("--dry-run") and _rows() == untouched

    out = _reanalyse()  # --unclassified is the default; the test queue runs each task at once
    assert "queued 3 of 3 selected media (audio 1, image 1, video 1)" in out, out
    assert "1 failed analyses left as they are" in out
    for asset in (photo, video, voice, document, broken, waiting):
        asset.refresh_from_db()
    assert photo.classifier.startswith("open_nsfw") and set(photo.signals) >= {"explicit", "weapon"}
    assert video.classifier and "frame at" in video.signals["vehicle"]["evidence"] and video.playable_path
    assert voice.transcript_language == "en" and "police" in voice.transcript.lower()
    assert all(a.analysis == "done" for a in (photo, video, voice, document))
    assert document.classifier == "" and broken.analysis == "failed" and waiting.analysis == "pending"
    tip.refresh_from_db()
    assert "unclassified" not in describe(tip.sensitivity_reasons, translate=False) and tip.media_classified

    # idempotent: a second run finds nothing to do and changes nothing
    before = _rows()
    assert "queued 0 of 0 selected media (none)" in _reanalyse("--unclassified")
    assert _rows() == before


def test_all_reruns_the_models_without_unblurring_in_between(monkeypatch: pytest.MonkeyPatch) -> None:
    photo = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg")
    analysis.run(str(photo.id))
    photo.refresh_from_db()
    first_run = photo.classified_at
    # as if an older model had judged it explicit and kept an evidence frame
    old_frame = _write(f"derivatives/{photo.id}-frame-40.jpg", factory.jpeg())
    signals = {**photo.signals, "explicit": {"score": 0.9, "evidence": "open_nsfw score 0.90", "frame": old_frame}}
    MediaAsset.objects.filter(pk=photo.pk).update(signals=signals, restricted=True)
    pending = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg")  # queued, not yet analysed

    seen: list[tuple[bool, float]] = []
    real_classify = analysis._classify

    def watching(asset: MediaAsset, *args: Any) -> None:
        row = MediaAsset.objects.get(pk=asset.pk)
        if row.pk == photo.pk:
            seen.append((row.restricted, row.signals["explicit"]["score"]))
        real_classify(asset, *args)

    monkeypatch.setattr(analysis, "_classify", watching)
    out = _reanalyse("--all")
    assert "queued 1 of 1 selected media (image 1)" in out, out
    assert seen == [(True, 0.9)]  # still restricted, old score shown, until the new result is stored
    photo.refresh_from_db()
    assert photo.classified_at is not None and first_run is not None and photo.classified_at > first_run
    assert photo.signals["explicit"]["score"] < 0.5 and not photo.restricted
    assert not (Path(settings.MEDIA_ROOT) / old_frame).exists()  # no file outlives retention
    assert MediaAsset.objects.get(pk=pending.pk).analysis == "pending"  # a queued row is not queued twice


def test_nothing_is_queued_when_no_model_could_run() -> None:
    photo = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg")
    _without_ml(photo)
    before = _rows()
    with override_settings(SATARK_MEDIA_CLASSIFIERS=False), pytest.raises(CommandError, match="classify nothing"):
        _reanalyse("--unclassified")
    with override_settings(SATARK_MODELS_DIR=Path(settings.MEDIA_ROOT) / "no-models"):
        with pytest.raises(CommandError, match="prepare_models"):
            _reanalyse("--all")
    assert _rows() == before
    with pytest.raises(CommandError):
        _reanalyse("--all", "--unclassified")
