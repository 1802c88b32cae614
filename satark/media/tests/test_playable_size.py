"""The browser-playable copy of a video is small enough for a weak mobile connection: a 30 s phone-like clip
(keyframe every 12 frames, moving noisy pictures, a sound track) becomes at most ~1.5 MB of VP9 + Opus."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image

from satark.media import avmedia

from . import factory

MAX_BYTES_30S = 1_500_000


def _phone_clip(path: Path, seconds: int = 30, fps: int = 25) -> None:
    """MPEG-4 Part 2 at 640x360 with the encoder's default keyframe interval (12 frames: every keyframe of the
    source is marked as an I picture when decoded) and an AAC tone; the picture pans and carries sensor-like
    noise, so the encoder has real work every frame."""
    import av

    rng = np.random.default_rng(8)
    scenes = [np.asarray(factory.picture(c, (640, 360))) for c in ((90, 140, 200), (40, 160, 40), (200, 180, 90))]
    with av.open(str(path), "w", format="mp4") as container:
        video = container.add_stream("mpeg4", rate=fps)
        video.width, video.height, video.pix_fmt = 640, 360, "yuv420p"
        video.bit_rate = 3_000_000  # a phone's generous bitrate
        audio = container.add_stream("aac", rate=44100)
        audio.layout = "mono"
        samples_per_frame = 1024
        sample = 0
        for i in range(seconds * fps):
            base = np.roll(scenes[(i // (fps * 5)) % len(scenes)], i * 4, axis=1).astype(np.int16)
            noisy = np.clip(base + rng.integers(-10, 11, base.shape), 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_image(Image.fromarray(noisy))  # type: ignore[no-untyped-call]
            for packet in video.encode(frame):
                container.mux(packet)
            while sample < (i + 1) * 44100 // fps:
                t = (np.arange(samples_per_frame) + sample) / 44100
                tone = (0.2 * np.sin(2 * math.pi * 220 * t)).astype(np.float32).reshape(1, -1)
                chunk = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
                chunk.sample_rate, chunk.pts = 44100, sample
                for packet in audio.encode(chunk):
                    container.mux(packet)
                sample += samples_per_frame
        for stream in (video, audio):
            for packet in stream.encode(None):
                container.mux(packet)


def test_a_30_second_clip_becomes_a_small_playable_copy(tmp_path: Path) -> None:
    import av

    source = tmp_path / "clip.mp4"
    _phone_clip(source)
    assert source.stat().st_size > 3 * MAX_BYTES_30S  # the original really is large

    content, suffix = avmedia.playable(source, "video")

    assert suffix == ".webm"
    assert len(content) <= MAX_BYTES_30S, f"{len(content) / 1e6:.2f} MB for 30 s"
    (tmp_path / "copy.webm").write_bytes(content)
    with av.open(str(tmp_path / "copy.webm")) as copy:
        assert 29.0 <= float((copy.duration or 0) / 1_000_000) <= 31.0
        video = copy.streams.video[0]
        assert video.codec_context.name == "vp9" and copy.streams.audio
        assert (video.codec_context.width, video.codec_context.height) == (640, 360)
        keyframes = sum(1 for packet in copy.demux(video) if packet.size and packet.is_keyframe)
    # the encoder places its own keyframes (every ~5 s), not one per source keyframe (62 in this clip)
    assert 1 <= keyframes <= 10, keyframes
