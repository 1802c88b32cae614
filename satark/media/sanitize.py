"""Type sniffing and metadata removal. Images are re-encoded from pixels only, so EXIF, GPS, XMP,
IPTC and maker notes cannot survive. Documents (PDF, Office, OpenDocument) are rewritten without their
author metadata (`sanitized_document`)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Pillow's own last line of defence for any decode path; check_dimensions refuses earlier, by the settings.
Image.MAX_IMAGE_PIXELS = 40_000_000

SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"RIFF", 0, "riff"),
    (b"OggS", 0, "audio/ogg"),
    (b"%PDF-", 0, "application/pdf"),
    (b"ftyp", 4, "video/mp4"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\x1aE\xdf\xa3", 0, "video/webm"),
    (b"PK\x03\x04", 0, "application/zip"),  # .docx .xlsx .pptx .odt ...: see document_mime()
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


def check_dimensions(width: int, height: int) -> None:
    """Decompression-bomb guard, applied to the header's size before any pixel is decoded (only the first
    frame of an animation is ever decoded), with the same limits as video frames
    (SATARK_MEDIA_MAX_PIXELS, SATARK_MEDIA_MAX_SIDE: a 1 x 40,000,000 strip is within a pixel cap but no
    photo). Pillow's own check only warns between MAX_IMAGE_PIXELS and twice that; this refuses."""
    if width * height > settings.SATARK_MEDIA_MAX_PIXELS or max(width, height) > settings.SATARK_MEDIA_MAX_SIDE:
        raise MediaRejected(f"image of {width}x{height} is over the size guard", "too_large")


def sanitized_image(content: bytes) -> bytes:
    """Re-encode as JPEG from the pixels alone (orientation applied first, then every tag dropped)."""
    try:
        with Image.open(io.BytesIO(content)) as img:
            check_dimensions(*img.size)
            img.load()
            upright = ImageOps.exif_transpose(img)
            rgb = upright.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # the warning when made an error
        raise MediaRejected(f"image is over the size guard: {type(exc).__name__}", "too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise MediaRejected(f"not a readable image: {type(exc).__name__}") from exc
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


# --- documents ---------------------------------------------------------------------------------------

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT_MIME = "application/vnd.oasis.opendocument.text"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
ODP_MIME = "application/vnd.oasis.opendocument.presentation"
ZIP_MIME = "application/zip"
OFFICE_MIMES = frozenset({DOCX_MIME, XLSX_MIME, PPTX_MIME, ODT_MIME, ODS_MIME, ODP_MIME})
# File name suffixes for the derivatives (what staff download).
DOCUMENT_SUFFIX = {
    PDF_MIME: ".pdf",
    DOCX_MIME: ".docx",
    XLSX_MIME: ".xlsx",
    PPTX_MIME: ".pptx",
    ODT_MIME: ".odt",
    ODS_MIME: ".ods",
    ODP_MIME: ".odp",
}

# Decompression-bomb guards for zip-based documents: a real .docx/.xlsx has tens to a few hundred
# parts, and its images are stored already compressed.
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_UNCOMPRESSED = 256 * 1024 * 1024
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # every part's timestamp in the derivative (times say when you edited)
_CHUNK = 1024 * 1024

# docProps parts are replaced whole by empty property sets: author, last editor, company, manager,
# template path, application and version, editing time, title, dates and every custom property go.
_EMPTY_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        b' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
        b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>'
    ),
    "meta.xml": (  # OpenDocument
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' office:version="1.2"><office:meta/></office:document-meta>'
    ),
}
# Names of people inside the content parts. Each rule applies to the parts it names only: the same
# attribute names mean other things elsewhere (an Excel table's displayName must stay).
_ATTR = r'(\s(?:[A-Za-z][\w.-]*:)?(?:{names}))\s*=\s*("[^"]*"|\'[^\']*\')'
_WORD_PEOPLE = re.compile(_ATTR.format(names="author|initials").encode())  # tracked changes, comments
_PERSONS = re.compile(_ATTR.format(names="author|initials|userId|providerId|displayName|name").encode())
_XL_AUTHOR = re.compile(rb"<author>[^<]*</author>")  # Excel's comment authors
_ODF_CREATOR = re.compile(rb"<dc:creator>[^<]*</dc:creator>")  # OpenDocument comments and tracked changes
# Word remembers the template it was made from as an external link, often a path with the user's name
# (file:///C:/Users/<name>/AppData/.../Normal.dotm).
_TEMPLATE_TARGET = re.compile(rb'(<Relationship\b[^>]*attachedTemplate[^>]*\bTarget\s*=\s*)("[^"]*"|\'[^\']*\')')
_PERSON_PARTS = re.compile(r"^(word/people\.xml|xl/persons/[^/]+\.xml|ppt/(commentAuthors|authors)\.xml)$")


def _scrub_people(name: str, data: bytes) -> bytes:
    if name.endswith(".rels"):
        return _TEMPLATE_TARGET.sub(rb'\1""', data)
    if _PERSON_PARTS.match(name):
        return _PERSONS.sub(rb'\1=""', data)
    if name.startswith("word/"):
        return _WORD_PEOPLE.sub(rb'\1=""', data)
    if name.startswith(("xl/comments", "xl/threadedComments")):
        return _XL_AUTHOR.sub(b"<author></author>", data)
    if name in ("content.xml", "styles.xml"):
        return _ODF_CREATOR.sub(b"<dc:creator></dc:creator>", data)
    return data


_MEDIA_FOLDERS = ("word/media/", "xl/media/", "ppt/media/", "Pictures/")


def _clean_embedded_image(data: bytes) -> bytes:
    """Photos pasted into a document keep their EXIF (GPS, camera serial): re-encode JPEG and PNG from
    the pixels, in the same format so the document's content types stay true. Other formats (EMF, WMF,
    GIF, TIFF) and images that do not decode are kept as they are."""
    kind = sniff(data)
    try:
        if kind == "image/jpeg":
            return sanitized_image(data)
        if kind == "image/png":
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                rgba = img.convert("RGBA")
            clean = Image.new("RGBA", rgba.size)
            clean.paste(rgba)
            out = io.BytesIO()
            clean.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (MediaRejected, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        pass
    return data


def _office_kind(names: set[str], mimetype: bytes) -> str:
    if "[Content_Types].xml" in names:
        for prefix, mime in (("word/", DOCX_MIME), ("xl/", XLSX_MIME), ("ppt/", PPTX_MIME)):
            if any(n.startswith(prefix) for n in names):
                return mime
    odf = mimetype.strip().decode("ascii", "replace")
    return odf if odf in OFFICE_MIMES else ""


def _zip_names(content: bytes) -> tuple[set[str], bytes] | None:
    """The part names (and an OpenDocument `mimetype`) from the central directory; None if unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = {i.filename for i in archive.infolist()}
            mimetype = b""
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                mimetype = archive.read("mimetype")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        return None
    return names, mimetype


def document_mime(content: bytes) -> str:
    """The type of a document from its bytes: PDF, an Office/OpenDocument type, a plain zip, or ''.
    Use it to refine `sniff()`'s "application/zip" and to name the derivative (`DOCUMENT_SUFFIX`)."""
    if content.startswith(b"%PDF-"):
        return PDF_MIME
    if not content.startswith(b"PK\x03\x04"):
        return ""
    found = _zip_names(content)
    return (_office_kind(*found) if found else "") or ZIP_MIME


def _sanitized_zip_document(content: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise MediaRejected(f"not a readable zip document: {type(exc).__name__}") from exc
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        infos = source.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise MediaRejected(f"document has {len(infos)} parts (more than {MAX_ZIP_MEMBERS})", "too_large")
        if sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
            raise MediaRejected("document expands beyond the size cap", "too_large")
        total = 0
        seen: set[str] = set()
        for info in infos:
            if info.filename in seen or info.is_dir():
                continue  # duplicate names are a known trick; the first one is what readers use
            seen.add(info.filename)
            # A fresh ZipInfo: no timestamps, no extra fields (which can carry uid/gid), no comments.
            clean = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            stored = info.compress_type == zipfile.ZIP_STORED  # OpenDocument's `mimetype` must stay stored
            clean.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            clean.external_attr = 0o600 << 16
            try:
                if info.filename in _EMPTY_PARTS:
                    target.writestr(clean, _EMPTY_PARTS[info.filename])
                    continue
                if info.filename.endswith((".xml", ".rels")) or info.filename.startswith(_MEDIA_FOLDERS):
                    data = source.read(info)
                    total += len(data)
                    if total > MAX_ZIP_UNCOMPRESSED:
                        raise MediaRejected("document expands beyond the size cap", "too_large")
                    if info.filename.startswith(_MEDIA_FOLDERS):
                        target.writestr(clean, _clean_embedded_image(data))
                    else:
                        target.writestr(clean, _scrub_people(info.filename, data))
                    continue
                with source.open(info) as src, target.open(clean, "w") as dst:
                    while chunk := src.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_ZIP_UNCOMPRESSED:
                            raise MediaRejected("document expands beyond the size cap", "too_large")
                        dst.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
                # Bad CRC, truncated data, unknown compression or an encrypted part.
                raise MediaRejected(f"part of the document is unreadable: {type(exc).__name__}") from exc
    return out.getvalue()


_PDF_PRIVATE_KEYS = ("/Metadata", "/PieceInfo")  # XMP streams at any level; application private data
_ANNOTATION_PERSON_KEYS = ("/T", "/M", "/CreationDate")  # a comment's author and its dates
_NOT_MARKUP = ("/Widget", "/Link")  # form fields use /T as the field's name: keep it


def _strip_pdf_objects(root: Any) -> None:
    """Walk every object reachable from the catalogue once, removing XMP/private data and the authors
    and dates of comments (markup annotations)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):  # cycles only ever go through indirect references
            if obj.idnum in seen:
                continue
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):  # a StreamObject is a DictionaryObject too
            for key in _PDF_PRIVATE_KEYS:
                obj.pop(key, None)
            is_annotation = obj.get("/Type") == "/Annot" or ("/Subtype" in obj and "/Rect" in obj)
            if is_annotation and obj.get("/Subtype") not in _NOT_MARKUP and "/FT" not in obj:
                for key in _ANNOTATION_PERSON_KEYS:
                    obj.pop(key, None)
            stack.extend(value for key, value in obj.items() if key != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _sanitized_pdf(content: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise MediaRejected("password-protected PDF: its metadata cannot be removed")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # the document information dictionary (/Info)
        _strip_pdf_objects(writer.root_object)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        # A new file identifier: the original's first ID would let anyone holding it match the copy.
        writer._ID = None
        writer.generate_file_identifiers()
        out = io.BytesIO()
        writer.write(out)
    except MediaRejected:
        raise
    except Exception as exc:  # pypdf raises many types on broken files; none of them is recoverable here
        raise MediaRejected(f"not a readable PDF: {type(exc).__name__}") from exc
    return out.getvalue()


def sanitized_document(content: bytes, mime: str = "") -> bytes:
    """A copy of a document for staff, with the metadata that can identify its author removed.

    - PDF: the document information dictionary (Author, Creator, Producer, Title, Subject, Keywords,
      dates), every XMP metadata stream (catalogue, pages, images, fonts), application private data
      (/PieceInfo), the authors and dates of comments, and earlier revisions (only the current objects
      are written). The file identifier is new.
    - Office Open XML (.docx .xlsx .pptx) and OpenDocument (.odt .ods .odp): docProps/core.xml,
      app.xml and custom.xml (or meta.xml) are replaced by empty property sets; people's names in
      tracked changes, comments, people.xml/persons and comment authors are blanked, and so is the
      path of the template a Word file was made from; JPEG and PNG pictures inside are re-encoded
      from their pixels (no EXIF/GPS); every part's timestamp, extra fields and comments go. Text and
      layout are untouched.
    - Anything else (a plain zip, text, audio or video sent as a document) is returned UNCHANGED,
      because there is no safe generic way to clean it: callers must not present such a
      copy as sanitised.

    `mime` is a hint (the sniffed or declared type); the bytes decide. Raises `MediaRejected` with
    reason "unreadable" when a PDF or zip document is corrupt (bad structure or CRC) or password
    protected, and "too_large" when a zip document expands beyond `MAX_ZIP_UNCOMPRESSED` or has more
    than `MAX_ZIP_MEMBERS` parts (a decompression bomb)."""
    kind = document_mime(content)
    if kind == PDF_MIME:
        return _sanitized_pdf(content)
    if kind in OFFICE_MIMES:
        return _sanitized_zip_document(content)
    if kind == ZIP_MIME and _zip_names(content) is None:
        raise MediaRejected("a zip file whose directory cannot be read")
    return content
