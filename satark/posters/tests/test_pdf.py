from __future__ import annotations

import io
import re

import pytest

from satark.geography.models import District, PoliceStation
from satark.posters import qr
from satark.posters.pdf import FONT, PosterLayoutError, poster_pdf, posters_pdf, register_font

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def _karanda() -> PoliceStation:
    return PoliceStation.objects.select_related("district").get(code="ghazipur-karanda")


def test_devanagari_is_shaped_not_drawn_letter_by_letter() -> None:
    from reportlab.pdfbase.ttfonts import shapeStr

    register_font()
    # क्षेत्र: 7 code points -> 3 glyphs (the क्ष and त्र conjuncts + the e-matra).
    assert len(shapeStr("क्षेत्र", FONT, 12).__shapeData__) == 3
    # सतर्क: the र् becomes a reph mark over क -> 4 glyphs.
    assert len(shapeStr("सतर्क", FONT, 12).__shapeData__) == 4
    # पुलिस: the i-matra is reordered before ल (different glyph string from the input).
    assert str(shapeStr("पुलिस", FONT, 12)) != "पुलिस"


def test_station_poster_in_both_languages(reference: None) -> None:
    station = _karanda()
    pdf = poster_pdf(station.district, station, lang="both")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    hindi, english = _pdf_text(pdf)
    assert "थाना करंडा" in hindi and "जनपद गाजीपुर" in hindi
    assert "Karanda Police Station" in english and "Ghazipur district" in english
    assert "Police Satark Mitra" in english
    for page in (hindi, english):
        assert "wa.me/15550783881" in page
        assert "112" in page
        assert "[ghazipur/karanda]" in page
    for title in ("Cow smuggling", "Illegal arms", "Forced conversion", "Other information", "Serious crime proof"):
        assert title in english
    assert "never shown to the police" in english
    assert "not as a document" in english


def test_district_poster_single_language(reference: None) -> None:
    district = District.objects.get(code="jaunpur")
    for lang, expected in (("hi", "जनपद जौनपुर"), ("en", "Jaunpur district")):
        pdf = poster_pdf(district, lang=lang)
        (page,) = _pdf_text(pdf)
        assert expected in page and "[jaunpur]" in page
        assert re.search(rb"/Title \(", pdf) or b"/Title" in pdf
    with pytest.raises(ValueError, match="language"):
        poster_pdf(district, lang="fr")
    with pytest.raises(ValueError, match="not in district"):
        poster_pdf(district, _karanda())


def test_poster_output_is_reproducible(reference: None) -> None:
    station = _karanda()
    assert poster_pdf(station.district, station, "hi") == poster_pdf(station.district, station, "hi")


def test_the_longest_names_still_fit_on_one_a4_page(reference: None) -> None:
    # Only the place line and the footer's code vary between posters: the longest names are the worst case.
    stations = list(PoliceStation.objects.select_related("district", "district__range"))
    worst = {
        max(stations, key=lambda s: len(s.name["hi"])),
        max(stations, key=lambda s: len(s.name["en"])),
        max(stations, key=lambda s: len(s.code)),
    }
    places = [(s.district, s) for s in worst] + [(d, None) for d in District.objects.select_related("range")]
    try:
        pdf = posters_pdf(places, "both")
    except PosterLayoutError as exc:  # pragma: no cover - the message names the poster
        pytest.fail(str(exc))
    assert len(_pdf_text(pdf)) == 2 * len(places)


def test_qr_code_on_the_printed_poster_scans(reference: None) -> None:
    import pypdfium2 as pdfium
    import zxingcpp

    station = PoliceStation.objects.select_related("district").get(code="chandauli-kotwali-mughalsarai-pt-ddu-nagar")
    pdf = poster_pdf(station.district, station, "hi")
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=1).to_pil()  # 72 dpi: a poor photo of the poster
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [qr.link_for(station.district, station)]
