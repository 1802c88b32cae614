"""Media made by the tests: Pillow pictures, PyAV videos (MPEG-4 Part 2, an LGPL encoder), hostile files."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from satark.media.models import MediaAsset
from satark.media.pipeline import _write
from satark.media.sanitize import sanitized_image
from satark.tips.models import Tip

DATA = Path(__file__).parent / "data"
GPS = "+25.3176+082.9739/"  # a phone's ISO 6709 `location` tag, which must never reach staff


def picture(colour: tuple[int, int, int] = (90, 140, 200), size: tuple[int, int] = (640, 480)) -> Image.Image:
    img = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle([size[0] // 4, size[1] // 3, size[0] // 2, size[1] // 2], fill=(200, 40, 40))
    draw.ellipse([20, 20, 80, 80], fill=(250, 220, 60))
    return img


def jpeg(img: Image.Image | None = None) -> bytes:
    out = io.BytesIO()
    (img or picture()).save(out, format="JPEG", quality=90)
    return out.getvalue()


def video(colours: Sequence[tuple[int, int, int]], seconds_each: float = 1.0, *, fps: int = 10) -> bytes:
    """An MP4 showing each colour's picture in turn, with a GPS location and device tags in its metadata."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        container.metadata.update({"location": GPS, "com.android.model": "SENTINEL-PHONE", "title": "Ramkumar"})
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for colour in colours:
            frame = av.VideoFrame.from_image(picture(colour, (320, 240)))  # type: ignore[no-untyped-call]
            for _ in range(int(seconds_each * fps)):
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's signature)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def ready_asset(kind: str, content: bytes, *, mime: str, tip: Tip | None = None, n: list[int] = [0]) -> MediaAsset:  # noqa: B006
    """A fetched asset as pipeline.process leaves it (sealed original, image derivative)."""
    n[0] += 1
    asset = MediaAsset.objects.create(
        channel="test", external_id=f"m{n[0]}", kind=kind, detected_mime=mime, state=MediaAsset.State.READY, tip=tip
    )
    asset.original_path = _write(f"sealed/{asset.id}", content)
    if kind in ("image", "sticker"):
        asset.derivative_path = _write(f"derivatives/{asset.id}.jpg", sanitized_image(content))
    asset.save()
    return asset
