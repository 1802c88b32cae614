from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from PIL import Image

from satark.geography.models import PoliceStation
from satark.posters import qr
from satark.posters.prefill import parse_prefill, prefill_for

pytestmark = pytest.mark.django_db


def _karanda() -> PoliceStation:
    return PoliceStation.objects.select_related("district").get(code="ghazipur-karanda")


def test_click_to_chat_link_carries_the_prefill(reference: None) -> None:
    station = _karanda()
    link = qr.link_for(station.district, station)
    assert link == ("https://wa.me/15550783881?text=Namaste%20%F0%9F%99%8F%20Satark%20Mitra%20%5Bghazipur%2Fkaranda%5D")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/15550783881")
    (text,) = parse_qs(parts.query)["text"]
    assert text == prefill_for(station.district, station)
    assert parse_prefill(text) == ("ghazipur", "ghazipur-karanda")


@override_settings(SATARK_WHATSAPP_DISPLAY_NUMBER="+91 78398-60411")
def test_business_number_from_settings_digits_only() -> None:
    assert qr.business_number() == "917839860411"
    assert qr.display_number() == "+91 78398 60411"
    assert qr.short_link() == "wa.me/917839860411"
    assert qr.click_to_chat_url("a b") == "https://wa.me/917839860411?text=a%20b"
    assert qr.click_to_chat_url() == "https://wa.me/917839860411"


def test_demo_default_is_the_simulator_number() -> None:
    with override_settings(SATARK_WHATSAPP_DISPLAY_NUMBER=""):
        assert qr.business_number() == qr.DEFAULT_DISPLAY_NUMBER == "15550783881"
        assert qr.display_number() == "+1 555 078 3881"


@pytest.mark.parametrize("bad", ["07839860411", "12345", "91783986041100000", "tel:917839860411", "+91 78398 6041x"])
def test_bad_business_numbers_are_a_configuration_error(bad: str) -> None:
    with override_settings(SATARK_WHATSAPP_DISPLAY_NUMBER=bad), pytest.raises(ImproperlyConfigured):
        qr.business_number()


def test_qr_png_and_svg_encode_the_link(reference: None) -> None:
    station = _karanda()
    link = qr.link_for(station.district, station)
    png = qr.qr_png(link)
    assert png.startswith(b"\x89PNG")
    svg = qr.qr_svg(link, title="Satark Mitra ghazipur-karanda")
    assert svg.startswith(b"<?xml") and b"<svg" in svg and b"Satark Mitra ghazipur-karanda" in svg
    # Deterministic: the same link always gives the same symbol (reprints match old posters).
    assert qr.qr_code(link).matrix == qr.qr_code(link).matrix
    assert qr.qr_png(link) == png
    code = qr.qr_code(link)
    assert code.error == "Q" and not code.is_micro


def test_qr_png_decodes_back_to_the_link(reference: None) -> None:
    import zxingcpp

    for station in PoliceStation.objects.select_related("district").filter(district__code="chandauli"):
        link = qr.link_for(station.district, station)
        image = Image.open(io.BytesIO(qr.qr_png(link, scale=4))).convert("L")
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [link]
