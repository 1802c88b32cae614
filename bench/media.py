"""Speed and memory of the media pipeline (issue 8, item 6), with baselines measured in the same run.

    .venv/bin/python bench/media.py            # `make bench` runs it too; results go to bench/README.md

1. Photos: the 12 pictures of bench/media_eval (7 packaged photos, 5 drawings) at their own size (<= 480 px) and
   scaled to a WhatsApp photo's 1600 px, stored as the product stores them (re-encoded JPEG). Case = what
   `analysis._classify` does per photo: decode the derivative + all image signals. Baseline = decode the same
   JPEG and resize it to 224x224 without any model. Median and p95 over 5 passes.
2. Videos: 30 s and 60 s H.264 clips made here from the same pictures (848x480 and 1280x720, 30 fps, a keyframe
   every second and the voice notes as the sound track, like a phone's). Case = probe + one frame every 2 s
   decoded and classified (the product's video path). Baseline = probe + the same frames decoded, no model.
   Also the browser-playable VP9 copy (time and size).
3. Voice: a minute of Hindi and a minute of English made of satark/media/tests/data/voice-*.ogg (with short
   pauses), stored as Ogg/Opus like a WhatsApp voice note. Case = decode + Whisper base. Baseline = decode.
4. Peak memory (VmHWM) of a fresh worker process that loads every model and then classifies a photo and a
   video and transcribes a minute; baseline = the same process doing the same decoding without any model.

Input clips are encoded with libx264 from the PyAV wheel's FFmpeg only to make phone-like input for this
benchmark; the product itself decodes H.264 and never encodes with x264 (docs/ml.md). Needs the `ml` extra and
`manage.py prepare_models`. Reads nothing from the network."""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ["ORT_DISABLE_TELEMETRY"] = "1"  # before anything can import onnxruntime
os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(os.environ.get("SATARK_BENCH_TMP") or tempfile.mkdtemp(prefix="satark-bench-media-"))
os.environ.update(
    {
        "SATARK_BENCH_TMP": str(TMP),
        "DJANGO_SETTINGS_MODULE": "satark.settings.embedded",
        "SATARK_VAR_DIR": str(TMP),
        "SATARK_DATABASE_URL": f"sqlite:///{TMP / 'bench.sqlite3'}",
        "SATARK_HUEY_URL": f"sqlite:///{TMP / 'huey.sqlite3'}",
        "SATARK_LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from satark.media import avmedia  # noqa: E402
from satark.media.sanitize import sanitized_image  # noqa: E402

PASSES = 5
VIDEO_REPEATS = 3
PHONE_SIDE = 1600  # WhatsApp's usual photo size (long side)
FPS = 30
TARGETS = {"photo_ms": 150.0, "video_30s_s": 3.0, "rss_mb": 600.0}
VOICE = ROOT / "satark" / "media" / "tests" / "data"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def median_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def vm_peak_mb() -> float:
    """VmHWM: the process's peak resident set (ru_maxrss as a fallback)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- inputs ----------------------------------------------------------------------------------------------


def pictures() -> list[Image.Image]:
    sys.path.insert(0, str(ROOT / "bench"))
    from eval_media import load  # the evaluation set's loader (photos + drawings)

    labels = json.loads((ROOT / "bench" / "media_eval" / "labels.json").read_text())
    return [load(key) for key in labels["images"]]


def stored(img: Image.Image) -> bytes:
    """The derivative the product keeps for a photo (re-encoded JPEG from the pixels)."""
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return sanitized_image(out.getvalue())


def phone_size(img: Image.Image) -> Image.Image:
    scale = PHONE_SIDE / max(img.size)
    return img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.LANCZOS)


SENTENCES = {
    "hi": [
        "मेरे गाँव के पास रात में अवैध बालू खनन हो रहा है।",
        "हर रात दस बजे के बाद चार पाँच ट्रक नदी की तरफ़ जाते हैं।",
        "ट्रकों पर नंबर प्लेट नहीं होती और वे बहुत तेज़ चलते हैं।",
        "पिछले हफ़्ते एक ट्रैक्टर ने सड़क पर एक बच्चे को टक्कर मार दी थी।",
        "गाँव के लोग डर के कारण कुछ नहीं बोलते।",
        "बाज़ार के पीछे वाली गली में शाम को जुआ भी खेला जाता है।",
        "वहाँ बीस तीस लोग इकट्ठा होते हैं और शराब भी बिकती है।",
        "कुछ लोग कहते हैं कि इन्हें ऊपर तक पैसा जाता है।",
        "मैं अपना नाम नहीं बताना चाहता क्योंकि मुझे डर लगता है।",
        "यह सब पुराने पुल के पास वाले खेतों में होता है।",
        "सुबह चार बजे तक ट्रक वापस आ जाते हैं।",
        "कृपया पुलिस भेजिए और इस पर कार्रवाई कीजिए।",
    ],
    "en": [
        "There is illegal sand mining near my village at night.",
        "Every night after ten, four or five trucks go towards the river.",
        "The trucks have no number plates and they drive very fast.",
        "Last week a tractor hit a child on the main road.",
        "People in the village are afraid to say anything.",
        "In the lane behind the market there is gambling every evening.",
        "Twenty or thirty people gather there and liquor is sold as well.",
        "Some people say that money goes to someone higher up.",
        "I do not want to give my name because I am afraid.",
        "All of this happens in the fields near the old bridge.",
        "The trucks come back by four in the morning.",
        "Please send the police and take action on this.",
    ],
}


def speech(rate: int, language: str, seconds: float) -> tuple[Any, str]:
    """A minute of speech that does not repeat itself (Whisper's no_repeat_ngram_size would cut a repeated
    sentence short and make transcription look cheaper than it is): espeak-ng sentences when espeak-ng is
    installed (as for the evaluation's voice notes), else the test voice note looped (marked as such)."""
    import shutil

    pause = np.zeros(int(0.5 * rate), dtype=np.float32)
    parts: list[Any] = []
    if shutil.which("espeak-ng"):
        source = "espeak-ng sentences"
        for n, sentence in enumerate(SENTENCES[language]):
            wav = TMP / f"tts-{language}-{n}.wav"
            subprocess.run(
                ["espeak-ng", "-v", language, "-s", "150", "-w", str(wav), sentence], check=True, capture_output=True
            )
            parts += [avmedia.decode_audio(wav, rate=rate), pause]
    else:
        source = "the test voice note looped (repeats: underestimates)"
        parts = [avmedia.decode_audio(VOICE / f"voice-{language}.ogg", rate=rate), pause]
    one = np.concatenate(parts)
    return np.tile(one, int(seconds * rate / len(one)) + 1)[: int(seconds * rate)], source


def write_voice_note(path: Path, language: str, seconds: float = 60.0) -> str:
    import av

    samples, _source = speech(48000, language, seconds)
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.layout, stream.bit_rate = "mono", 24000
        for start in range(0, len(samples), 960):
            chunk = samples[start : start + 960].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="flt", layout="mono")
            frame.sample_rate, frame.pts = 48000, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return _source


def write_video(path: Path, seconds: int, size: tuple[int, int], scenes: list[Image.Image]) -> None:
    """H.264 + AAC like a phone's clip: each picture for 3 s, panning slowly, a keyframe every second."""
    import av

    width, height = size
    frames = [np.asarray(img.convert("RGB").resize(size, Image.Resampling.BILINEAR)) for img in scenes]
    audio = np.tile(avmedia.decode_audio(VOICE / "voice-hi.ogg", rate=48000), seconds // 9 + 1)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.gop_size = FPS
        video.options = {"preset": "veryfast", "crf": "23"}
        sound = out.add_stream("aac", rate=48000)
        sound.layout, sound.bit_rate = "mono", 64000
        sent = 0
        for i in range(seconds * FPS):
            rgb = np.roll(frames[(i // (3 * FPS)) % len(frames)], i * 2, axis=1)
            for packet in video.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
            while sent < (i + 1) * 48000 // FPS:
                chunk = np.ascontiguousarray(audio[sent : sent + 1024].reshape(1, -1))
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
                frame.sample_rate, frame.pts = 48000, sent
                for packet in sound.encode(frame):
                    out.mux(packet)
                sent += chunk.shape[1]
        for stream in (video, sound):
            for packet in stream.encode(None):
                out.mux(packet)


# --- measurements ------------------------------------------------------------------------------------------


def open_picture(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as img:  # as analysis._open_picture does with the stored derivative
        img.load()
        return img.convert("RGB")


def bench_photos(models: Any, images: list[Image.Image]) -> list[tuple[str, float, float, float]]:
    rows = []
    for label, jpegs in (
        ("own size, <= 480 px", [stored(img) for img in images]),
        (f"WhatsApp size, {PHONE_SIDE} px", [stored(phone_size(img)) for img in images]),
    ):
        base: list[float] = []
        full: list[float] = []
        for _ in range(PASSES):
            for data in jpegs:
                started = time.perf_counter()
                open_picture(data).resize((224, 224), Image.Resampling.BILINEAR)
                base.append(time.perf_counter() - started)
                started = time.perf_counter()
                models.score(open_picture(data))
                full.append(time.perf_counter() - started)
        b = statistics.median(base)
        rows.append((f"decode + resize, {label} (baseline)", b, p95(base), 1.0))
        rows.append((f"decode + all image signals, {label}", statistics.median(full), p95(full), 0.0))
        rows[-1] = (*rows[-1][:3], rows[-1][1] / b)
    return rows


def sample(path: Path, models: Any | None) -> int:
    probe = avmedia.probe(path, "video")
    n = 0
    for _at, img in avmedia.sample_frames(path, probe.duration):
        if models is not None:
            models.score(img)
        n += 1
    return n


def bench_videos(models: Any, clips: dict[str, Path]) -> list[tuple[str, float, float, float, str]]:
    rows = []
    for name, path in clips.items():
        seconds = float(name.split("s ")[0])
        base, frames = median_of(lambda p=path: sample(p, None), VIDEO_REPEATS)
        full, _ = median_of(lambda p=path: sample(p, models), VIDEO_REPEATS)
        play, (data, _suffix) = median_of(lambda p=path: avmedia.playable(p, "video"), 1)
        rows.append((f"{name}: decode {frames} sampled frames (baseline)", base, base * 60 / seconds, 1.0, ""))
        rows.append((f"{name}: probe + sample + classify", full, full * 60 / seconds, full / base, ""))
        size = f"{len(data) / 1e6:.2f} MB ({len(data) * 8 / seconds / 1000:.0f} kbit/s)"
        rows.append((f"{name}: playable VP9 + Opus copy", play, play * 60 / seconds, play / base, size))
    return rows


def bench_voice(notes: dict[str, Path]) -> list[tuple[str, float, float, str]]:
    from satark.media.ml import speech

    transcriber = speech.transcriber()
    rows = []
    for language, path in notes.items():
        base, samples = median_of(lambda p=path: avmedia.decode_audio(p), VIDEO_REPEATS)
        full, result = median_of(lambda p=path: transcriber.transcribe(avmedia.decode_audio(p)), 1)
        minutes = len(samples) / 16000 / 60
        rows.append((f"{language} minute: decode (baseline)", base / minutes, 1.0, ""))
        words = len(result.text.split())
        rows.append((f"{language} minute: decode + Whisper base", full / minutes, full / base, f"{words} words"))
    return rows


def worker(mode: str, photo: Path, video: Path, voice: Path) -> None:
    """Run in a fresh process: what a task-queue worker holds after one job of each kind."""
    data = photo.read_bytes()
    if mode == "models":
        from satark.media.ml import speech, vision

        models = vision.models()
        transcriber = speech.transcriber()
        models.score(open_picture(data))
        sample(video, models)
        transcriber.transcribe(avmedia.decode_audio(voice))
    else:
        open_picture(data).resize((224, 224))
        sample(video, None)
        avmedia.decode_audio(voice)
    print(json.dumps({"vmhwm_mb": round(vm_peak_mb(), 1)}))


def peak_rss(photo: Path, video: Path, voice: Path) -> dict[str, float]:
    result = {}
    for mode in ("baseline", "models"):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", mode, str(photo), str(video), str(voice)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
        )
        result[mode] = json.loads(out.stdout.strip().splitlines()[-1])["vmhwm_mb"]
    return result


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    import av
    import onnxruntime

    from satark.media.ml import speech, vision

    print(
        f"Python {sys.version.split()[0]}, onnxruntime {onnxruntime.__version__}, PyAV {av.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, work files in {TMP}"
    )
    started = time.perf_counter()
    models = vision.models()
    image_load = time.perf_counter() - started
    started = time.perf_counter()
    speech.transcriber()
    whisper_load = time.perf_counter() - started
    print(f"model loading (incl. checksums): image models {image_load:.2f} s, Whisper base {whisper_load:.2f} s")

    images = pictures()
    models.score(images[0])  # warm-up
    photo_rows = bench_photos(models, images)
    print(f"\nPhotos ({len(images)} pictures x {PASSES} passes)")
    print(f"{'case':54} {'median':>9} {'p95':>9} {'x baseline':>11}")
    for name, med, high, ratio in photo_rows:
        print(f"{name:54} {med * 1e3:7.1f}ms {high * 1e3:7.1f}ms {ratio:10.2f}x")

    clips = {}
    for name, seconds, size in (
        ("30 s 848x480", 30, (848, 480)),
        ("60 s 848x480", 60, (848, 480)),
        ("30 s 1280x720", 30, (1280, 720)),
    ):
        path = TMP / f"clip-{seconds}-{size[1]}.mp4"
        write_video(path, seconds, size, images)
        clips[name] = path
    video_rows = bench_videos(models, clips)
    print(f"\nVideos (H.264 + AAC, {FPS} fps; median of {VIDEO_REPEATS}, playable copy once)")
    print(f"{'case':54} {'time':>9} {'per min':>9} {'x baseline':>11}")
    for name, spent, per_minute, ratio, note in video_rows:
        print(f"{name:54} {spent:8.2f}s {per_minute:8.2f}s {ratio:10.2f}x  {note}".rstrip())

    notes, sources = {}, set()
    for language in ("hi", "en"):
        notes[language] = TMP / f"voice-{language}-minute.ogg"
        sources.add(write_voice_note(notes[language], language))
    voice_rows = bench_voice(notes)
    print(f"\nVoice notes (Ogg/Opus, 60 s of {', '.join(sorted(sources))}; transcribed once, decoded median of 3)")
    print(f"{'case':54} {'per min':>9} {'x baseline':>11}")
    for name, per_minute, ratio, note in voice_rows:
        print(f"{name:54} {per_minute:8.2f}s {ratio:10.1f}x  {note}".rstrip())

    photo = TMP / "photo.jpg"
    photo.write_bytes(stored(phone_size(images[0])))
    rss = peak_rss(photo, clips["30 s 848x480"], notes["hi"])
    print("\nPeak RSS (VmHWM) of a fresh worker process after a photo, a 30 s video and a minute of voice")
    print(f"{'case':54} {'MB':>9} {'x baseline':>11}")
    print(f"{'Django + decoding only, no model (baseline)':54} {rss['baseline']:9.0f} {1.0:10.2f}x")
    ratio = rss["models"] / rss["baseline"]
    print(f"{'Django + image models + Whisper, all jobs done':54} {rss['models']:9.0f} {ratio:10.2f}x")

    photo_p95 = max(row[2] for row in photo_rows if "signals" in row[0]) * 1e3
    video_30 = max(row[1] for row in video_rows if row[0].startswith("30 s") and "classify" in row[0])
    print("\nTargets (issue 8, this machine):")
    print(f"  <= {TARGETS['photo_ms']:.0f} ms per photo: worst p95 {photo_p95:.0f} ms: {verdict(photo_p95 <= 150)}")
    print(f"  <= {TARGETS['video_30s_s']:.0f} s per 30 s video: worst {video_30:.2f} s: {verdict(video_30 <= 3)}")
    print(f"  worker RSS <= {TARGETS['rss_mb']:.0f} MB: {rss['models']:.0f} MB: {verdict(rss['models'] <= 600)}")
    print(f"(load average at the end {os.getloadavg()[0]:.1f}: other work on the 2 cores inflates every time above)")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(sys.argv[2], *(Path(arg) for arg in sys.argv[3:]))
    else:
        import shutil

        try:
            main()
        finally:
            shutil.rmtree(TMP, ignore_errors=True)  # generated clips and voice notes
