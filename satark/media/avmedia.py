"""Audio and video with PyAV (FFmpeg): probe with guards, sample frames, poster frame, and a browser-playable
copy that carries no metadata (re-encoded from the decoded pictures and samples only: container and
stream tags such as a phone's GPS `location`, device model or creation time cannot survive).

PyAV comes with the optional `ml` extra; `available()` says whether it is installed. Encoders used are
BSD-licensed (libvpx VP9, libopus); the PyAV wheel's FFmpeg also contains x264/x265 (GPL), which we never
call (docs/ml.md)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image

from .sanitize import MediaRejected

PLAYABLE_MAX_SIDE = 640  # the dashboard shows a small player; the sealed original keeps full quality
# VP9 in constrained quality: crf 36, at most ~400 kbit/s, a keyframe every ~5 s. With the Opus track a 30 s
# phone clip comes out at 0.7-0.9 MB (bench/media.py), a noisy one under 1.5 MB (tests): fit for a weak network.
PLAYABLE_VIDEO_BITRATE = "400k"
PLAYABLE_KEYFRAME_EVERY = 150  # frames
FRAME_STEP_SECONDS = 2.0
MAX_FRAMES = 30


def available() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Probe:
    duration: float  # seconds (0 when the container does not say)
    width: int
    height: int
    has_video: bool
    has_audio: bool


def _open(path: Path) -> Any:
    import av

    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaRejected(f"not a readable audio/video file: {type(exc).__name__}") from exc


def probe(path: Path, kind: str) -> Probe:
    """Container facts, checked against the guards before anything is decoded. Raises MediaRejected
    ("too_large") for over-long media or oversized pictures, ("unreadable") for what FFmpeg cannot open."""
    with _open(path) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        duration = float(container.duration / 1_000_000) if container.duration else 0.0
        if not duration:
            for stream in (video, audio):
                if stream is not None and stream.duration and stream.time_base:
                    duration = max(duration, float(stream.duration * stream.time_base))
        width = video.codec_context.width if video is not None else 0
        height = video.codec_context.height if video is not None else 0
    facts = Probe(duration, width, height, video is not None, audio is not None)
    limit = settings.SATARK_MEDIA_MAX_SECONDS.get(kind, 15 * 60)
    if facts.duration > limit:
        raise MediaRejected(f"{kind} of {facts.duration:.0f} s is longer than {limit} s", "too_large")
    if width * height > settings.SATARK_MEDIA_MAX_PIXELS or max(width, height) > settings.SATARK_MEDIA_MAX_SIDE:
        raise MediaRejected(f"video frames of {width}x{height} are over the size guard", "too_large")
    if kind == "video" and not facts.has_video:
        raise MediaRejected("no video stream")
    if kind == "audio" and not facts.has_audio:
        raise MediaRejected("no audio stream")
    return facts


def sample_frames(path: Path, duration: float) -> Iterator[tuple[float, Image.Image]]:
    """One RGB frame every 2 s (every duration/30 s for long videos, so never more than 30), with its time.
    Decoding stops at the guard's duration even if the container lied about its length."""
    import av

    step = max(FRAME_STEP_SECONDS, duration / MAX_FRAMES) if duration else FRAME_STEP_SECONDS
    limit = float(settings.SATARK_MEDIA_MAX_SECONDS.get("video", 600))
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        next_at, taken = 0.0, 0
        try:
            for frame in container.decode(stream):
                at = float(frame.time or 0.0)
                if at > limit or taken >= MAX_FRAMES:
                    break
                if at + 1e-6 >= next_at:
                    if frame.width * frame.height > settings.SATARK_MEDIA_MAX_PIXELS:
                        raise MediaRejected("a decoded frame is over the size guard", "too_large")
                    yield at, frame.to_image()
                    taken += 1
                    next_at = at + step
        except av.FFmpegError as exc:
            if not taken:
                raise MediaRejected(f"video does not decode: {type(exc).__name__}") from exc
            # a truncated tail: keep what decoded


def _scaled(width: int, height: int, max_side: int = PLAYABLE_MAX_SIDE) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height, 1))
    # even dimensions for 4:2:0
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def playable(path: Path, kind: str) -> tuple[bytes, str]:
    """A browser-playable, metadata-free copy: video -> WebM (VP9 + Opus), audio -> Ogg (Opus, mono).
    Returns (bytes, file suffix)."""
    import av
    from av.video.frame import PictureType

    limit = float(settings.SATARK_MEDIA_MAX_SECONDS.get(kind, 600))
    out = io.BytesIO()
    fmt, suffix = ("webm", ".webm") if kind == "video" else ("ogg", ".ogg")
    with _open(path) as src, av.open(out, "w", format=fmt) as dst:
        src_video = src.streams.video[0] if kind == "video" and src.streams.video else None
        src_audio = src.streams.audio[0] if src.streams.audio else None
        vout = aout = None
        resampler = None
        if src_video is not None:
            src_video.thread_type = "AUTO"
            width, height = _scaled(src_video.codec_context.width, src_video.codec_context.height)
            vout = dst.add_stream("libvpx-vp9", rate=30)
            vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
            vout.codec_context.time_base = Fraction(1, 1000)
            vout.codec_context.gop_size = PLAYABLE_KEYFRAME_EVERY
            vout.options = {
                "deadline": "realtime",
                "cpu-used": "8",
                "row-mt": "1",
                "crf": "36",
                "b": PLAYABLE_VIDEO_BITRATE,
            }
        if src_audio is not None:
            aout = dst.add_stream("libopus", rate=48000)
            aout.layout = "mono"
            aout.bit_rate = 32000
            resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        streams = [s for s in (src_video, src_audio) if s is not None]
        if not streams:
            raise MediaRejected(f"no {kind} stream to play")
        last_pts = -1
        try:
            for packet in src.demux(*streams):
                for frame in packet.decode():
                    at = float(frame.time or 0.0)
                    if at > limit:
                        break
                    if vout is not None and isinstance(frame, av.VideoFrame):
                        pts = int(at * 1000)
                        if pts <= last_pts:
                            continue  # duplicate or out-of-order timestamps: drop, the encoder needs order
                        last_pts = pts
                        picture = frame.reformat(width=vout.width, height=vout.height, format="yuv420p")
                        picture.pts, picture.time_base = pts, Fraction(1, 1000)
                        # The decoder marks the source's keyframes as I pictures, and libvpx forces a keyframe
                        # for each: a phone's keyframe every 12-30 frames made the copy ~5x larger than its
                        # bitrate (keyframes are ~30-40 kB each). Let the encoder place its own.
                        picture.pict_type = PictureType.NONE
                        for out_packet in vout.encode(picture):
                            dst.mux(out_packet)
                    elif aout is not None and resampler is not None and isinstance(frame, av.AudioFrame):
                        frame.pts = None
                        for chunk in resampler.resample(frame):
                            for out_packet in aout.encode(chunk):
                                dst.mux(out_packet)
        except av.FFmpegError as exc:
            if last_pts < 0 and vout is not None:
                raise MediaRejected(f"{kind} does not decode: {type(exc).__name__}") from exc
        for encoder in (vout, aout):
            if encoder is not None:
                for out_packet in encoder.encode(None):
                    dst.mux(out_packet)
    return out.getvalue(), suffix


def decode_audio(path: Path, rate: int = 16000) -> Any:
    """Mono float32 samples at `rate` (for Whisper), at most the guard's duration."""
    import av
    import numpy as np

    limit = float(settings.SATARK_MEDIA_MAX_SECONDS.get("audio", 900))
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    chunks = []
    with _open(path) as src:
        if not src.streams.audio:
            raise MediaRejected("no audio stream")
        try:
            for frame in src.decode(src.streams.audio[0]):
                if float(frame.time or 0.0) > limit:
                    break
                frame.pts = None
                for chunk in resampler.resample(frame):
                    chunks.append(chunk.to_ndarray().reshape(-1))
        except av.FFmpegError as exc:
            if not chunks:
                raise MediaRejected(f"audio does not decode: {type(exc).__name__}") from exc
        for chunk in resampler.resample(None):
            chunks.append(chunk.to_ndarray().reshape(-1))
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)
