"""Type sniffing and metadata removal. Images are re-encoded from pixels only, so EXIF, GPS, XMP,
IPTC and maker notes cannot survive."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 40_000_000  # decompression-bomb guard: larger images are refused, not decoded

SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"RIFF", 0, "riff"),
    (b"OggS", 0, "audio/ogg"),
    (b"%PDF-", 0, "application/pdf"),
    (b"ftyp", 4, "video/mp4"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\x1aE\xdf\xa3", 0, "video/webm"),
]


def sniff(content: bytes) -> str:
    for magic, offset, mime in SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            if mime == "riff":
                return "image/webp" if content[8:12] == b"WEBP" else "audio/wav" if content[8:12] == b"WAVE" else ""
            return mime
    return ""


KIND_OF = {"image": ("image/",), "sticker": ("image/webp",), "video": ("video/",), "audio": ("audio/", "video/webm")}


def matches_kind(kind: str, mime: str) -> bool:
    if kind == "document":
        return bool(mime)
    return any(mime.startswith(prefix) for prefix in KIND_OF.get(kind, ()))


class MediaRejected(ValueError):
    """The file will never be usable as sent. `reason` is what the sender is told: too_large | unreadable."""

    def __init__(self, message: str, reason: str = "unreadable"):
        super().__init__(message)
        self.reason = reason


def sanitized_image(content: bytes) -> bytes:
    """Re-encode as JPEG from the pixels alone (orientation applied first, then every tag dropped)."""
    try:
        with Image.open(io.BytesIO(content)) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)
            rgb = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise MediaRejected(f"not a readable image: {type(exc).__name__}") from exc
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
