"""The privacy sentinel through every analytics export: the sentinel number files a tip over signed webhooks,
then the SP office and the DIG office download every CSV, XLSX and PDF the analytics pages offer; none of
the bytes (nor the text inside the XLSX archive and the PDF) holds any spelling of the number, the profile
name or the reporter's opaque reference."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from satark.core import testing as t

from .stackfixture import Running, Staff
from .test_whole_loop import file_tip_in_hindi

pytestmark = pytest.mark.e2e
KINDS = ("stations", "hotspots", "periods", "sensitivity", "tips")


def readable(content: bytes, content_type: str) -> str:
    """Everything a person could read in an export, decoded."""
    if content_type.startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if content_type == "application/pdf":
        reader = PdfReader(io.BytesIO(content))
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        return meta + "\n".join(page.extract_text() for page in reader.pages)
    return content.decode("utf-8-sig")


def reporter_refs(product: Running, reference: str) -> list[str]:
    if product.backend != "sqlite":
        import psycopg

        with psycopg.connect(product.database_url) as conn:
            rows = conn.execute("SELECT reporter_ref FROM tips_tip WHERE reference = %s", (reference,)).fetchall()
    else:
        path = product.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT reporter_ref FROM tips_tip WHERE reference = ?", (reference,)).fetchall()
    return [r[0] for r in rows if r[0]]


def test_no_export_carries_the_reporter(product: Running) -> None:
    reference = file_tip_in_hindi(product, t.SENTINEL_PHONE)
    refs = reporter_refs(product, reference)
    assert refs and refs[0].startswith("rp_")
    today = timezone.localdate()
    window = f"start={(today - timedelta(days=6)).isoformat()}&end={today.isoformat()}"
    seen: list[str] = []
    for username in ("sp.ghazipur", "dig.office"):
        staff = Staff(product.stack.web_url, username, product.logins[username])
        for kind in KINDS:
            for fmt in ("csv", "xlsx"):
                response = staff.get(f"/dashboard/analytics/export/{kind}.{fmt}?{window}")
                assert response.status_code == 200, (username, kind, fmt)
                seen.append(response.content.decode("latin-1"))
                seen.append(readable(response.content, response.headers["content-type"]))
        for report in ("week", "month"):
            response = staff.get(f"/dashboard/analytics/report.pdf?kind={report}&{window}")
            assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
            seen.append(response.content.decode("latin-1"))
            seen.append(readable(response.content, "application/pdf"))
    everything = "\n".join(seen)
    assert reference in everything  # the scan does see the tip it searches for
    for spelling in (*t.SENTINEL_SPELLINGS, t.SENTINEL_NAME, *refs):
        assert spelling not in everything, f"{spelling!r} found in an analytics export"
