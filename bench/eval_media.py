"""Evaluate the media classifiers on the labelled set in bench/media_eval (precision/recall per signal at the
thresholds in settings), and time them: per photo, per minute of video, transcription, peak RSS.

    .venv/bin/python bench/eval_media.py [--json out.json]

Needs the `ml` extra and `manage.py prepare_models`. Reads nothing from the network."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satark.settings.test")
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from satark.media import avmedia  # noqa: E402
from satark.media.ml import speech, vision  # noqa: E402

SIGNALS = ("explicit", "weapon", "vehicle", "cattle")


def generated(name: str) -> Image.Image:
    img = Image.new("RGB", (640, 480), (135, 180, 225))
    d = ImageDraw.Draw(img)
    if name == "skin":
        return Image.new("RGB", (640, 480), (224, 172, 138))
    d.rectangle([0, 330, 640, 480], fill=(110, 100, 90))  # ground
    if name == "truck":
        d.rectangle([120, 180, 430, 330], fill=(200, 120, 40))  # cargo box
        d.polygon([(140, 180), (410, 180), (380, 140), (170, 140)], fill=(190, 170, 120))  # sand heap
        d.rectangle([430, 220, 540, 330], fill=(30, 80, 160))  # cab
        d.rectangle([450, 235, 520, 275], fill=(180, 220, 240))  # window
        for x in (170, 380, 500):
            d.ellipse([x - 30, 300, x + 30, 360], fill=(20, 20, 20))
    elif name == "tractor":
        d.rectangle([300, 220, 420, 310], fill=(200, 30, 30))
        d.rectangle([330, 160, 400, 220], outline=(40, 40, 40), width=6)
        d.ellipse([380, 250, 480, 350], fill=(25, 25, 25))
        d.ellipse([290, 290, 340, 340], fill=(25, 25, 25))
        d.rectangle([60, 240, 290, 310], fill=(90, 120, 60))  # trolley
        d.ellipse([120, 290, 170, 340], fill=(25, 25, 25))
    elif name == "cattle":
        for x0 in (80, 350):
            d.ellipse([x0, 220, x0 + 200, 320], fill=(240, 240, 235))  # body
            d.ellipse([x0 + 40, 240, x0 + 90, 280], fill=(60, 50, 40))  # patch
            d.ellipse([x0 + 180, 190, x0 + 240, 250], fill=(235, 235, 230))  # head
            d.polygon([(x0 + 190, 195), (x0 + 185, 170), (x0 + 200, 190)], fill=(200, 190, 160))  # horn
            for lx in (20, 60, 140, 175):
                d.rectangle([x0 + lx, 300, x0 + lx + 14, 370], fill=(230, 230, 225))
    elif name == "pistol":
        img = Image.new("RGB", (640, 480), (235, 235, 235))
        d = ImageDraw.Draw(img)
        d.rectangle([140, 170, 470, 225], fill=(35, 35, 40))  # slide and barrel
        d.polygon([(330, 225), (420, 225), (440, 380), (360, 380)], fill=(45, 40, 40))  # grip
        d.arc([270, 215, 340, 285], 0, 180, fill=(35, 35, 40), width=8)  # trigger guard
    return img


def load(key: str) -> Image.Image:
    if key.startswith("generated:"):
        return generated(key.split(":", 1)[1])
    with Image.open(ROOT / "bench" / "media_eval" / key) as img:
        return img.convert("RGB")


def prf(rows: list[tuple[int, float]], threshold: float) -> dict[str, object]:
    tp = sum(1 for y, s in rows if y and s >= threshold)
    fp = sum(1 for y, s in rows if not y and s >= threshold)
    fn = sum(1 for y, s in rows if y and s < threshold)
    tn = len(rows) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall}


def char_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = reference.replace(" ", ""), hypothesis.replace(" ", "")
    prev = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        cur = [i]
        for j, hc in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rc != hc)))
        prev = cur
    return prev[-1] / max(1, len(ref))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    labels = json.loads((ROOT / "bench" / "media_eval" / "labels.json").read_text())
    thresholds = settings.SATARK_SENSITIVITY_THRESHOLDS
    started = time.monotonic()
    models = vision.models()
    load_s = time.monotonic() - started
    models.score(generated("skin"))  # warm-up

    scores: dict[str, dict[str, float]] = {}
    timings = []
    for key in labels["images"]:
        img = load(key)
        t0 = time.perf_counter()
        out = models.score(img)
        timings.append(time.perf_counter() - t0)
        scores[key] = {s: out[s]["score"] for s in SIGNALS} | {"top": out["labels"]["evidence"]}  # type: ignore[dict-item]

    report: dict[str, object] = {"image_model_load_s": round(load_s, 2)}
    per_signal = {}
    for signal in SIGNALS:
        rows = [(int(labels["images"][k][signal]), float(scores[k][signal])) for k in labels["images"]]
        per_signal[signal] = {"threshold": thresholds[signal], **prf(rows, thresholds[signal])}
        if signal == "weapon":
            per_signal["weapon_possible"] = {
                "threshold": thresholds["weapon_possible"],
                **prf(rows, thresholds["weapon_possible"]),
            }
    report["signals"] = per_signal
    report["scores"] = scores
    report["photo_ms_median"] = round(statistics.median(timings) * 1000, 1)

    # Video: one minute made of the labelled pictures, 640x360, 25 fps.
    import av

    with tempfile.TemporaryDirectory() as tmp:
        frames = [load(k).resize((640, 360)) for k in labels["images"]]

        def write_video(path: Path, seconds: int) -> None:
            with av.open(str(path), "w", format="mp4") as container:
                stream = container.add_stream("mpeg4", rate=25)
                stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
                stream.bit_rate = 1_500_000
                for i in range(seconds * 25):
                    frame = av.VideoFrame.from_image(frames[(i // 125) % len(frames)])  # type: ignore[no-untyped-call]
                    for packet in stream.encode(frame):
                        container.mux(packet)
                for packet in stream.encode(None):
                    container.mux(packet)

        for seconds in (30, 60):
            path = Path(tmp) / f"{seconds}.mp4"
            write_video(path, seconds)
            t0 = time.perf_counter()
            probe = avmedia.probe(path, "video")
            sampled = [models.score(img) for _at, img in avmedia.sample_frames(path, probe.duration)]
            report[f"video_{seconds}s_classify_s"] = round(time.perf_counter() - t0, 2)
            report[f"video_{seconds}s_frames"] = len(sampled)
            t0 = time.perf_counter()
            data, _suffix = avmedia.playable(path, "video")
            report[f"video_{seconds}s_playable_s"] = round(time.perf_counter() - t0, 2)
            report[f"video_{seconds}s_playable_kb"] = len(data) // 1024

    # Voice notes.
    t0 = time.monotonic()
    transcriber = speech.transcriber()
    report["whisper_load_s"] = round(time.monotonic() - t0, 2)
    voice = {}
    total_audio = total_time = 0.0
    for rel, truth in labels["voice"].items():
        samples = avmedia.decode_audio(ROOT / rel)
        t0 = time.perf_counter()
        result = transcriber.transcribe(samples)
        spent = time.perf_counter() - t0
        total_audio += result.seconds
        total_time += spent
        voice[rel] = {
            "expected_language": truth["language"],
            "language": result.language,
            "detected": result.detected,
            "cer": round(char_error_rate(truth["text"], result.text), 2),
            "text": result.text,
            "seconds": round(result.seconds, 1),
            "transcribe_s": round(spent, 2),
        }
    report["voice"] = voice
    report["transcribe_s_per_audio_minute"] = round(60 * total_time / total_audio, 1)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text)
    print(text)
    print("\n| signal | threshold | TP | FP | FN | TN | precision | recall |\n|---|---|---|---|---|---|---|---|")
    for name, row in per_signal.items():
        p = "n/a" if row["precision"] is None else f"{row['precision']:.2f}"
        r = "n/a" if row["recall"] is None else f"{row['recall']:.2f}"
        print(f"| {name} | {row['threshold']} | {row['tp']} | {row['fp']} | {row['fn']} | {row['tn']} | {p} | {r} |")


if __name__ == "__main__":
    main()
