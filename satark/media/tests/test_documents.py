"""Document metadata removal: fixtures made here (reportlab/pypdf PDFs, zipfile-built Office and
OpenDocument files) carry a sentinel author everywhere metadata can hide; the derivative must carry it
nowhere and still open."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree import ElementTree

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject, TextStringObject
from reportlab.pdfgen import canvas

from satark.core import testing as t
from satark.media import sanitize
from satark.media.sanitize import MediaRejected, document_mime, sanitized_document, sniff

NAME = "Ramkumar"  # part of the sentinel profile name
SECRETS = (NAME, "Canon EOS", "C:/Users/ramk", "ramk@example.org", "S-1-5-21-4242", "Thana Chaubepur")
BODY = "Illegal sand mining at the ghat every night"


def _spellings(text: str) -> list[bytes]:
    return [text.encode(), text.encode("utf-16-be"), text.encode("utf-16-le")]


def _assert_clean(blob: bytes) -> None:
    for secret in (*SECRETS, t.SENTINEL_NAME):
        for spelling in _spellings(secret):
            assert spelling not in blob, secret


# --- PDF ---------------------------------------------------------------------------------------------

XMP = f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<dc:creator><rdf:Seq><rdf:li>{t.SENTINEL_NAME}</rdf:li></rdf:Seq></dc:creator>
<xmp:CreatorTool>Canon EOS scan utility</xmp:CreatorTool>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>""".encode()


def _pdf_with_metadata(*, password: str = "") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=True)
    c.setAuthor(t.SENTINEL_NAME)
    c.setTitle("Report by Thana Chaubepur")
    c.setCreator("Canon EOS scan utility")
    c.setSubject("C:/Users/ramk/Documents")
    c.drawString(72, 720, BODY)
    c.showPage()
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.add_metadata(
        {"/Producer": "Canon EOS firmware", "/CreationDate": "D:20250101093000+05'30'", "/Keywords": NAME}
    )
    writer.xmp_metadata = XMP
    page = writer.pages[0]
    page_xmp = StreamObject()
    page_xmp.set_data(XMP)
    page[NameObject("/Metadata")] = writer._add_object(page_xmp)
    page[NameObject("/PieceInfo")] = DictionaryObject(
        {NameObject("/Illustrator"): DictionaryObject({NameObject("/Private"): TextStringObject("ramk@example.org")})}
    )
    comment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (50, 50, 80, 80)]),
            NameObject("/Contents"): TextStringObject("see the river bank"),
            NameObject("/T"): TextStringObject(t.SENTINEL_NAME),
            NameObject("/M"): TextStringObject("D:20250101093000"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(comment)])
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _every_stream(reader: PdfReader) -> bytes:
    """The decoded content of every object in the file, for the sentinel search."""
    chunks = []
    size: Any = reader.trailer["/Size"]
    for num in range(1, int(size)):
        try:
            obj = reader.get_object(num)
        except Exception:
            continue
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
        elif obj is not None:
            chunks.append(repr(obj).encode())
    return b"\n".join(chunks)


def test_pdf_derivative_has_no_metadata_and_still_opens() -> None:
    original = _pdf_with_metadata()
    assert NAME.encode() in original and b"Canon EOS" in original  # the fixture really carries it
    clean = sanitized_document(original, "application/pdf")
    _assert_clean(clean)
    reader = PdfReader(io.BytesIO(clean))
    _assert_clean(_every_stream(reader))
    root: Any = reader.trailer["/Root"]
    assert not reader.metadata  # no /Info at all (pypdf's own Producer included)
    assert "/Info" not in reader.trailer
    assert "/Metadata" not in root and reader.xmp_metadata is None
    page: Any = reader.pages[0]
    assert "/Metadata" not in page and "/PieceInfo" not in page
    assert BODY in page.extract_text()
    annotation = page["/Annots"][0].get_object()
    assert annotation["/Contents"] == "see the river bank" and "/T" not in annotation and "/M" not in annotation
    ids: list[Any] = [r.trailer["/ID"] for r in (reader, PdfReader(io.BytesIO(original)))]
    assert ids[0][0] != ids[1][0]
    rendered = pypdfium2.PdfDocument(clean)  # a second, independent reader opens and renders it
    try:
        assert len(rendered) == 1 and rendered[0].render(scale=0.5).to_pil().size[0] > 100
    finally:
        rendered.close()


def test_a_pdf_protected_by_an_empty_user_password_is_cleaned() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_with_metadata())))
    writer.encrypt(user_password="", owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    clean = sanitized_document(out.getvalue())
    _assert_clean(clean)
    assert BODY in PdfReader(io.BytesIO(clean)).pages[0].extract_text()


def test_a_password_protected_or_corrupt_pdf_is_unreadable() -> None:
    with pytest.raises(MediaRejected, match="password") as locked:
        sanitized_document(_pdf_with_metadata(password="secret"), "application/pdf")
    assert locked.value.reason == "unreadable"
    with pytest.raises(MediaRejected) as broken:
        sanitized_document(b"%PDF-1.7\n" + b"\x00garbage" * 100, "application/pdf")
    assert broken.value.reason == "unreadable"


# --- Office Open XML and OpenDocument ------------------------------------------------------------------

RECENT = (2025, 6, 1, 10, 30, 0)


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (120, 90, 30))
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 90D"
    exif[0xA431] = "S-1-5-21-4242"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (25.0, 19.0, 12.5), "E", (82.0, 58.0, 24.0)
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _zip(parts: list[tuple[str, bytes]], *, stored: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=RECENT)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.comment = NAME.encode()
            z.writestr(info, data)
        z.comment = NAME.encode()
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CORE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Report by Thana Chaubepur</dc:title>
<dc:creator>{t.SENTINEL_NAME}</dc:creator><cp:lastModifiedBy>{NAME}</cp:lastModifiedBy>
<dcterms:created xsi:type="dcterms:W3CDTF">2025-06-01T10:30:00Z</dcterms:created></cp:coreProperties>"""
APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Template>C:/Users/ramk/AppData/Roaming/Microsoft/Templates/Normal.dotm</Template><TotalTime>42</TotalTime>
<Application>Canon EOS office</Application><Company>Thana Chaubepur</Company><Manager>Ramkumar</Manager></Properties>"""
CUSTOM = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Owner"><vt:lpwstr>ramk@example.org</vt:lpwstr>
</property></Properties>"""


CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCX_PARTS = {
    "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{CT}">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="jpeg" ContentType="image/jpeg"/></Types>',
    "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{REL}">'
    f'<Relationship Id="rId1" Type="{OFFICE_REL}/officeDocument" Target="word/document.xml"/></Relationships>',
    "word/document.xml": f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>{BODY}</w:t></w:r>'
    f'<w:ins w:id="1" w:author="{t.SENTINEL_NAME}" w:date="2025-06-01T10:30:00Z">'
    "<w:r><w:t> near the bridge</w:t></w:r></w:ins></w:p></w:body></w:document>",
    "word/comments.xml": f'<?xml version="1.0"?><w:comments {W}><w:comment w:id="0" w:author="{NAME}" '
    'w:initials="RK"><w:p><w:r><w:t>check</w:t></w:r></w:p></w:comment></w:comments>',
    "word/people.xml": '<?xml version="1.0"?><w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/'
    f'wordml"><w15:person w15:author="{NAME}"><w15:presenceInfo w15:providerId="AD" w15:userId="S-1-5-21-4242"/>'
    "</w15:person></w15:people>",
    "word/_rels/settings.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{REL}">'
    f'<Relationship Id="rId1" Type="{OFFICE_REL}/attachedTemplate" '
    'Target="file:///C:/Users/ramk/Templates/Normal.dotm" TargetMode="External"/></Relationships>',
    "docProps/core.xml": CORE,
    "docProps/app.xml": APP,
    "docProps/custom.xml": CUSTOM,
}


def _docx() -> bytes:
    parts = [(name, text.encode()) for name, text in DOCX_PARTS.items()]
    parts.insert(6, ("word/media/image1.jpeg", _jpeg_with_gps()))
    return _zip(parts)


def _members(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert z.testzip() is None  # every CRC checks out
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and not i.comment and not i.extra for i in z.infolist())
        assert not z.comment
        return {i.filename: z.read(i) for i in z.infolist()}


def test_docx_derivative_has_no_author_metadata_and_still_opens() -> None:
    original = _docx()
    assert sniff(original) == "application/zip" and document_mime(original) == sanitize.DOCX_MIME
    clean = sanitized_document(original, "application/zip")
    parts = _members(clean)
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        assert list(parts) == z.namelist()  # same parts, same order
    for name, data in parts.items():
        _assert_clean(data)
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(data)  # still well-formed XML
    core = ElementTree.fromstring(parts["docProps/core.xml"])
    assert len(core) == 0
    assert b"<w:t>" + BODY.encode() + b"</w:t>" in parts["word/document.xml"]
    assert b" near the bridge" in parts["word/document.xml"]
    with Image.open(io.BytesIO(parts["word/media/image1.jpeg"])) as img:
        assert img.format == "JPEG" and img.size == (64, 48)
        assert not img.getexif() and "exif" not in img.info
    assert sanitized_document(clean) == sanitized_document(clean)  # stable: cleaning twice changes nothing


def test_xlsx_comment_authors_and_persons_go_but_table_names_stay() -> None:
    person = f'<person displayName="{NAME}" id="{{1}}" userId="ramk@example.org" providerId="AD"/>'
    texts = {
        "[Content_Types].xml": f'<Types xmlns="{CT}"/>',
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        "xl/tables/table1.xml": '<table xmlns="x" id="1" name="Sightings" displayName="Sightings" ref="A1:B2"/>',
        "xl/comments1.xml": f"<comments xmlns='x'><authors><author>{NAME}</author></authors></comments>",
        "xl/persons/person.xml": f'<personList xmlns="x">{person}</personList>',
        "docProps/core.xml": CORE,
    }
    original = _zip([(name, text.encode()) for name, text in texts.items()])
    assert document_mime(original) == sanitize.XLSX_MIME
    parts = _members(sanitized_document(original))
    for data in parts.values():
        _assert_clean(data)
    assert b'displayName="Sightings"' in parts["xl/tables/table1.xml"]


def test_odt_meta_and_annotation_creators_go_and_mimetype_stays_first_and_stored() -> None:
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    content = (
        f'<office:document-content {office} xmlns:dc="http://purl.org/dc/elements/1.1/"><office:annotation>'
        f"<dc:creator>{NAME}</dc:creator></office:annotation><p>{BODY}</p></office:document-content>"
    )
    meta = (
        f'<office:document-meta {office} xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
        f"<meta:initial-creator>{t.SENTINEL_NAME}</meta:initial-creator>"
        "<meta:generator>Canon EOS office</meta:generator></office:meta></office:document-meta>"
    )
    original = _zip(
        [("mimetype", sanitize.ODT_MIME.encode()), ("content.xml", content.encode()), ("meta.xml", meta.encode())],
        stored=("mimetype",),
    )
    assert document_mime(original) == sanitize.ODT_MIME
    clean = sanitized_document(original)
    parts = _members(clean)
    for data in parts.values():
        _assert_clean(data)
    assert BODY.encode() in parts["content.xml"]
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        first = z.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)


def test_decompression_bombs_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = _zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>" + b" " * 2_000_000)])
    assert len(bomb) < 20_000
    monkeypatch.setattr(sanitize, "MAX_ZIP_UNCOMPRESSED", 1_000_000)
    with pytest.raises(MediaRejected) as too_big:
        sanitized_document(bomb)
    assert too_big.value.reason == "too_large"
    monkeypatch.setattr(sanitize, "MAX_ZIP_MEMBERS", 5)
    many = _zip([("[Content_Types].xml", b"<Types/>")] + [(f"word/p{i}.xml", b"<p/>") for i in range(10)])
    with pytest.raises(MediaRejected, match="parts") as too_many:
        sanitized_document(many)
    assert too_many.value.reason == "too_large"


def test_corrupt_office_files_are_unreadable() -> None:
    original = _docx()
    with pytest.raises(MediaRejected) as truncated:
        sanitized_document(original[: len(original) // 2])
    assert truncated.value.reason == "unreadable"
    position = original.index(b"word/document.xml") + len("word/document.xml") + 20  # in its compressed data
    flipped = original[:position] + bytes([original[position] ^ 0xFF]) + original[position + 1 :]
    with pytest.raises(MediaRejected) as bad_crc:
        sanitized_document(flipped)
    assert bad_crc.value.reason == "unreadable"


def test_other_documents_come_back_untouched_unless_clearly_corrupt() -> None:
    text = b"plain notes from " + NAME.encode()
    assert sanitized_document(text, "text/plain") == text
    archive = _zip([("photos/readme.txt", b"hello")])
    assert document_mime(archive) == "application/zip"
    assert sanitized_document(archive, "application/zip") == archive
    with pytest.raises(MediaRejected):
        sanitized_document(b"PK\x03\x04" + b"\x00" * 50, "application/zip")
