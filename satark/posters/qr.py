"""Click-to-chat links (``https://wa.me/<number>?text=<prefill>``) and their QR codes (segno)."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .prefill import prefill_for

if TYPE_CHECKING:
    from satark.geography.models import District, PoliceStation

# The WhatsApp simulator's business number (satark.simulator.config): the demo default.
DEFAULT_DISPLAY_NUMBER = "15550783881"
# Q recovers ~25 % of damaged modules: posters get torn, faded and scribbled on.
QR_ERROR = "q"


def business_number(number: str | None = None) -> str:
    """The business number in international format, digits only (``SATARK_WHATSAPP_DISPLAY_NUMBER``).

    ``+``, spaces, dashes, dots and brackets are dropped; anything else, a leading zero or a length
    outside 8-15 digits is a configuration error.
    """
    raw = number if number is not None else getattr(settings, "SATARK_WHATSAPP_DISPLAY_NUMBER", "")
    digits = re.sub(r"[\s+().-]", "", str(raw or DEFAULT_DISPLAY_NUMBER))
    if not re.fullmatch(r"[1-9][0-9]{7,14}", digits):
        raise ImproperlyConfigured(
            "SATARK_WHATSAPP_DISPLAY_NUMBER must be the business number in international format, "
            f"digits only (e.g. 917839860411), not {raw!r}"
        )
    return digits


def display_number(number: str | None = None) -> str:
    """Human-readable: ``+91 78398 60411`` (India), ``+1 555 078 3881`` (NANP), else ``+<digits>``."""
    digits = business_number(number)
    if digits.startswith("91") and len(digits) == 12:
        return f"+91 {digits[2:7]} {digits[7:]}"
    if digits.startswith("1") and len(digits) == 11:
        return f"+1 {digits[1:4]} {digits[4:7]} {digits[7:]}"
    return f"+{digits}"


def short_link(number: str | None = None) -> str:
    """``wa.me/<digits>`` — opens the chat with no draft; short enough to print and type."""
    return f"wa.me/{business_number(number)}"


def click_to_chat_url(text: str = "", number: str | None = None) -> str:
    url = f"https://wa.me/{business_number(number)}"
    return f"{url}?text={quote(text, safe='')}" if text else url


def link_for(district: District, station: PoliceStation | None = None, number: str | None = None) -> str:
    """The poster's click-to-chat link, with the prefilled routing message."""
    return click_to_chat_url(prefill_for(district, station), number)


def qr_code(url: str) -> segno.QRCode:
    """A QR code (not Micro QR) for ``url``; deterministic for the same input."""
    return segno.make_qr(url, error=QR_ERROR, boost_error=False)


def qr_svg(url: str, scale: int = 10, title: str | None = None) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="svg", scale=scale, border=4, xmldecl=True, title=title, dark="#000", light="#fff")
    return out.getvalue()


def qr_png(url: str, scale: int = 12) -> bytes:
    """PNG with the 4-module quiet zone; scale 12 gives ~640 px, plenty for print at 8 cm."""
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
