"""QR codes with prefilled messages (``/{phone-number-id}/message_qrdls``, reference doc 4.3).

Codes look like Meta's (14 upper-case letters and digits), ``deep_link_url`` is
``https://wa.me/message/<code>``. ``qr_image_url`` points at the simulator
(``/_qr/<code>.svg`` or ``.png``) and serves a PLACEHOLDER image, not a scannable QR code:
the product renders its own QR images from the deep link, so the simulator does not
implement a QR encoder. Meta keeps no scan analytics, and neither does the simulator.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import struct
import threading
import zlib
from dataclasses import dataclass
from html import escape
from typing import Any

JSONDict = dict[str, Any]

MAX_PREFILLED = 140
MAX_CODES = 2000
IMAGE_FORMATS = ("SVG", "PNG")
ALPHABET = string.ascii_uppercase + string.digits


@dataclass
class QRCode:
    code: str
    prefilled_message: str
    image_format: str | None = None

    @property
    def deep_link_url(self) -> str:
        return f"https://wa.me/message/{self.code}"

    def as_json(self, base_url: str, image_format: str | None = None, *, stored_format: bool = True) -> JSONDict:
        """``qr_image_url`` in ``image_format``, else (``stored_format``) in the format generated."""
        data: JSONDict = {
            "code": self.code,
            "prefilled_message": self.prefilled_message,
            "deep_link_url": self.deep_link_url,
        }
        fmt = image_format or (self.image_format if stored_format else None)
        if fmt is not None:
            data["qr_image_url"] = f"{base_url}/_qr/{self.code}.{fmt.lower()}"
        return data


class QRStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: dict[str, QRCode] = {}

    def create(self, prefilled: str, image_format: str | None) -> QRCode | None:
        """None when the per-number limit (2,000) is reached."""
        with self._lock:
            if len(self._codes) >= MAX_CODES:
                return None
            code = "".join(secrets.choice(ALPHABET) for _ in range(14))
            qr = QRCode(code, prefilled, image_format)
            self._codes[code] = qr
            return qr

    def update(self, code: str, prefilled: str, image_format: str | None) -> QRCode | None:
        with self._lock:
            qr = self._codes.get(code)
            if qr is not None:
                qr.prefilled_message = prefilled
                if image_format is not None:
                    qr.image_format = image_format
            return qr

    def get(self, code: str) -> QRCode | None:
        with self._lock:
            return self._codes.get(code)

    def all(self) -> list[QRCode]:
        with self._lock:
            return list(self._codes.values())

    def delete(self, code: str) -> bool:
        with self._lock:
            return self._codes.pop(code, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._codes.clear()


def _pattern(code: str, size: int = 21) -> list[list[bool]]:
    """A code-dependent dot pattern (decorative only; NOT a QR encoding)."""
    bits = hashlib.sha256(code.encode()).digest() * 4
    return [[bool(bits[(y * size + x) // 8] >> ((y * size + x) % 8) & 1) for x in range(size)] for y in range(size)]


def placeholder_svg(qr: QRCode) -> bytes:
    cells = _pattern(qr.code)
    rects = "".join(
        f'<rect x="{x + 2}" y="{y + 2}" width="1" height="1"/>'
        for y, row in enumerate(cells)
        for x, on in enumerate(row)
        if on
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 25 29" width="250" height="290">'
        '<rect width="25" height="29" fill="#fff"/>'
        f"<title>Simulator placeholder, not a QR code: {escape(qr.deep_link_url)}</title>"
        f'<g fill="#000">{rects}</g>'
        f'<text x="12.5" y="27.5" font-size="1.6" text-anchor="middle">{escape(qr.code)}</text></svg>'
    )
    return svg.encode("utf-8")


def placeholder_png(qr: QRCode, scale: int = 8) -> bytes:
    cells = _pattern(qr.code)
    size = (len(cells) + 4) * scale
    rows = []
    for y in range(size):
        cy = y // scale - 2
        row = bytearray([0])  # filter: none
        for x in range(size):
            cx = x // scale - 2
            on = 0 <= cy < len(cells) and 0 <= cx < len(cells) and cells[cy][cx]
            row.append(0 if on else 255)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
