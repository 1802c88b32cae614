"""The analytics pages for each role, and every export: CSV and XLSX parsed back, the PDF's text extracted."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from satark.analytics.exports import safe, to_csv, to_xlsx
from satark.analytics.table import Table, num, text
from satark.audit.actions import verify_chain
from satark.audit.models import AuditEvent
from satark.people.models import Role
from satark.tips.models import Tip
from tests import factories as f

from .helpers import at, make, station

pytestmark = pytest.mark.django_db
PAGES = ("map", "stations", "periods", "sensitivity")


@pytest.fixture
def world() -> dict[str, Any]:
    f.load_reference()
    today = timezone.localdate()
    g0, g1, j0 = station("ghazipur", 0), station("ghazipur", 1), station("jaunpur", 0)
    for k in range(4):
        make("ghazipur", "gambling", station_=g0, pin=(25.58 + k * 0.0003, 83.57), when=at(today - timedelta(days=2)),
             sensitivity="high", reporter_ref="rp_NEVERSHOWN")
    make("ghazipur", "illegal_arms", station_=g1, when=at(today - timedelta(days=3)), sensitivity="critical")
    make("jaunpur", "drugs_liquor", station_=j0, when=at(today - timedelta(days=1)))
    make("jaunpur", "drugs_liquor", station_=j0, when=at(today - timedelta(days=10)))
    return {
        "dig": f.dig_office(),
        "gzp": f.sp_office("ghazipur"),
        "jnp": f.sp_office("jaunpur"),
        "admin": f.staff("cfg", Role.ADMIN),
        "g0": g0, "g1": g1, "j0": j0,
    }


def login(user: Any) -> Client:
    client: Client = f.verified_client(user)  # signed in with the second factor done
    return client


def map_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the map page embeds its data with json_script"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_both_offices_and_refuses_the_admin(world: dict[str, Any], page: str) -> None:
    for actor in ("dig", "gzp"):
        response = login(world[actor]).get(f"/dashboard/analytics/{page}/")
        assert response.status_code == 200, (actor, page)
        html = response.content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html  # CSP: no inline code
    assert login(world["admin"]).get(f"/dashboard/analytics/{page}/").status_code == 403
    assert Client().get(f"/dashboard/analytics/{page}/").status_code == 302


def test_the_sp_office_sees_only_its_district_and_exact_small_counts(world: dict[str, Any]) -> None:
    client = login(world["gzp"])
    html = client.get("/dashboard/analytics/stations/").content.decode()
    assert world["g0"].label("en") in html and world["j0"].label("en") not in html
    assert "&lt;3" not in html
    data = map_data(client.get("/dashboard/analytics/map/").content.decode())
    assert [feat["properties"]["code"] for feat in data["districts"]["features"]] == ["ghazipur"]
    assert len(data["stations"]) == 28
    assert sorted(c[2] for c in data["hotspots"]["cells"]) == ["1", "4"]  # the 4 pins, the arms tip at its station
    assert data["tiles"] == ""  # no tile server configured: nothing leaves the LAN


def test_the_dig_office_sees_every_district_with_small_station_cells_coarsened(world: dict[str, Any]) -> None:
    client = login(world["dig"])
    html = client.get("/dashboard/analytics/stations/").content.decode()
    assert world["g0"].label("en") in html and world["j0"].label("en") in html
    assert "&lt;3" in html
    data = map_data(client.get("/dashboard/analytics/map/").content.decode())
    assert len(data["districts"]["features"]) == 3 and len(data["stations"]) == 75
    assert sorted(c[2] for c in data["hotspots"]["cells"]) == ["4", "<3", "<3"]
    filtered = map_data(client.get("/dashboard/analytics/map/?category=gambling&period=week").content.decode())
    assert [c[2] for c in filtered["hotspots"]["cells"]] == ["4"]


def test_period_page_draws_an_svg_chart(world: dict[str, Any]) -> None:
    html = login(world["dig"]).get("/dashboard/analytics/periods/?granularity=week&by=district").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html and "<rect" in html
    assert "Overdue now, by office" in html


def test_sensitivity_page_lists_the_tips_needing_attention(world: dict[str, Any]) -> None:
    html = login(world["gzp"]).get("/dashboard/analytics/sensitivity/").content.decode()
    assert html.count('href="/dashboard/tips/TST-') == 5  # 4 high + 1 critical, not the normal ones
    assert "rp_NEVERSHOWN" not in html


def test_csv_export_parses_back_and_is_audited(world: dict[str, Any]) -> None:
    response = login(world["gzp"]).get("/dashboard/analytics/export/stations.csv?period=month")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header = next(r for r in rows if r[:3] == ["District", "Circle", "Police station"])
    assert header[-3:] == ["Total", "Previous period", "Change"]
    g0_row = next(r for r in rows if len(r) > 2 and r[2] == world["g0"].label("en"))
    assert g0_row[header.index("Total")] == "4"
    assert g0_row[header.index("Gambling/betting")] not in ("", "0")  # the category's own cell is filled
    assert not any(world["j0"].label("en") in r for r in rows)
    event = AuditEvent.objects.filter(action="analytics.exported").last()
    assert event is not None and event.object_id == "stations" and event.details["format"] == "csv"
    assert event.actor_label == "sp-ghazipur"
    assert verify_chain() == (True, None)


def test_xlsx_export_parses_back_with_numbers_and_coarsened_text(world: dict[str, Any]) -> None:
    response = login(world["dig"]).get("/dashboard/analytics/export/stations.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["stations", "districts", "circles"]
    ws = wb["stations"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in values if r[:3] == ["District", "Circle", "Police station"])
    total = header.index("Total")
    g0 = next(r for r in values if r[2] == world["g0"].label("en"))
    g1 = next(r for r in values if r[2] == world["g1"].label("en"))
    assert g0[total] == 4 and g1[total] == "<3"  # numbers stay numbers, coarsened cells stay text
    districts = [[c.value for c in row] for row in wb["districts"].iter_rows()]
    assert ["Ghazipur", 5, 0, "+5"] in districts  # district totals are exact even for the DIG office
    assert AuditEvent.objects.filter(action="analytics.exported", details__format="xlsx").count() == 1


@pytest.mark.parametrize("kind", ["hotspots", "periods", "sensitivity", "tips"])
def test_every_export_kind_in_both_formats_without_reporter_identity(world: dict[str, Any], kind: str) -> None:
    client = login(world["dig"])
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/dashboard/analytics/export/{kind}.{fmt}")
        assert response.status_code == 200, (kind, fmt)
        content = response.content
        if fmt == "xlsx":
            wb = load_workbook(io.BytesIO(content))
            content = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row).encode()
        assert b"rp_NEVERSHOWN" not in content and b"known data" not in content
    assert AuditEvent.objects.filter(action="analytics.exported", object_id=kind).count() == 2
    assert client.get("/dashboard/analytics/export/nothing.csv").status_code == 404
    assert client.get(f"/dashboard/analytics/export/{kind}.exe").status_code == 404


def test_tip_list_export_is_scoped(world: dict[str, Any]) -> None:
    body = login(world["jnp"]).get("/dashboard/analytics/export/tips.csv?period=month").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Reference" and len(rows) == 3  # the header and Jaunpur's two tips
    assert {r[2] for r in rows[1:]} == {"Jaunpur"}


def test_pdf_report_has_hindi_and_english_headings_and_is_audited(world: dict[str, Any]) -> None:
    start = (timezone.localdate() - timedelta(days=6)).isoformat()
    end = timezone.localdate().isoformat()
    response = login(world["dig"]).get(f"/dashboard/analytics/report.pdf?kind=week&start={start}&end={end}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    extracted = "\n".join(page.extract_text() for page in reader.pages)
    for english in ("Weekly review report", "Hotspot map", "Station-wise comparison", "Period analysis",
                    "Totals by district", "Overdue by office"):
        assert english in extracted, english
    assert world["g0"].label("en") in extracted
    # Hindi: shaped glyphs map back to their characters through the font's ToUnicode table (words chosen
    # without conjuncts or the pre-base vowel sign ि, whose glyphs have no single character to map back to).
    compact = re.sub(r"\s+", "", extracted)
    for hindi in ("सारांश", "संवेदनशीलता", "जनपदवार"):
        assert hindi in compact, hindi
    assert "rp_NEVERSHOWN" not in extracted
    event = AuditEvent.objects.filter(action="analytics.report").last()
    assert event is not None and event.details["format"] == "pdf" and event.actor_label == "dig"


def test_monthly_report_for_the_sp_office(world: dict[str, Any]) -> None:
    response = login(world["gzp"]).get("/dashboard/analytics/report.pdf?kind=month")
    assert response.status_code == 200
    extracted = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Monthly review report" in extracted and "Jaunpur" not in extracted
    assert login(world["admin"]).get("/dashboard/analytics/report.pdf").status_code == 403


def test_spreadsheet_formulas_are_neutralised() -> None:
    assert safe("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe("@x") == "'@x" and safe("–") == "–"
    assert safe("+3 (+150%)") == "+3 (+150%)" and safe("-2") == "-2" and safe("+cmd|x") == "'+cmd|x"
    t = Table("x", "X", ["a", "b"], rows=[[text("=1+1"), num(3)]])
    assert b"'=1+1" in to_csv([t])
    wb = load_workbook(io.BytesIO(to_xlsx([t])))
    assert [c.value for c in next(wb["x"].iter_rows(min_row=3, max_row=3))] == ["'=1+1", 3]
    assert make is not None and at is not None  # helpers shared with the aggregate tests


def test_pages_and_exports_in_hindi(world: dict[str, Any]) -> None:
    """The user's language (on the profile) drives the page and the export headings (catalogue compiled by
    `make messages`, as before every test run)."""
    world["gzp"].staff.language = "hi"
    world["gzp"].staff.save()
    client = login(world["gzp"])
    html = client.get("/dashboard/analytics/stations/").content.decode()
    assert "थानावार तुलनात्मक विवरण" in html and "पिछली अवधि" in html
    body = client.get("/dashboard/analytics/export/stations.csv").content.decode("utf-8-sig")
    assert "जनपद,सर्किल,थाना" in body


def test_tip_list_export_in_hindi_has_status_outcome_and_reasons_in_hindi(world: dict[str, Any]) -> None:
    """Stored codes are put into the reader's words: status and outcome (the models' translated choice
    labels) and the sensitivity reasons (codes with values, tips.reasons)."""
    make("ghazipur", "illegal_arms", station_=world["g0"], when=at(timezone.localdate() - timedelta(days=1)),
         status=Tip.Status.CLOSED, outcome=Tip.Outcome.ACTION_TAKEN, sensitivity="high",
         sensitivity_reasons=[["category", {"category": "illegal arms"}], ["wrote", {"word": "goli chal"}],
                              ["unclassified", {"n": 1, "total": 2}]])
    expected = {
        "hi": ["बंद", "कार्यवाही की गई", "उच्च",
               'श्रेणी: अवैध हथियार; सूचनाकर्ता ने लिखा "goli chal"; 2 में से 1 फ़ोटो/वीडियो अवर्गीकृत'],
        "en": ["Closed", "Action taken", "High",
               'category: illegal arms; reporter wrote "goli chal"; 1 of 2 photo/video unclassified'],
    }
    for language, columns in expected.items():
        world["gzp"].staff.language = language
        world["gzp"].staff.save()
        body = login(world["gzp"]).get("/dashboard/analytics/export/tips.csv?period=week").content.decode("utf-8-sig")
        row = next(r for r in csv.reader(io.StringIO(body)) if columns[0] in r)
        assert row[5:9] == columns, language
