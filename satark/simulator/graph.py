"""The fake Graph API: messages, media upload/resolve/delete and media download.

Templates and QR codes (``message_templates``, ``message_qrdls``, ``/_qr/...`` images) are in
``graph_manage.py``. Sends pass, in order: validation (``validate.py``), the template check
(``templates.py``, when ``strict_templates``), an injected ``messages`` fault
(``faults.py``), the number's throughput (``pacing.py``, 130429: one token bucket of
``throughput_per_second``), the pair rate limit (``pacing.py``, 131056); ``GET /{media-id}`` and the
media download URL consume ``media`` / ``download`` faults.
"""

from __future__ import annotations

import email.parser
import email.policy
import hmac
import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from . import faults as fault_kit
from .graph_manage import QR_IMAGE, ManageAPI
from .pacing import (
    PAIR_RATE_CODE,
    PAIR_RATE_DETAILS,
    PAIR_RATE_TITLE,
    THROUGHPUT_CODE,
    THROUGHPUT_DETAILS,
    THROUGHPUT_SUBCODE,
    THROUGHPUT_TITLE,
)
from .state import Simulator
from .templates import TemplateError
from .validate import ValidationError, normalise_phone, validate_send
from .wsgiutil import (
    Request,
    Response,
    auth_error,
    graph_error,
    json_response,
    unknown_object,
)

JSONDict = dict[str, Any]

VERSIONED = re.compile(r"^/v\d+\.\d+/(?P<rest>.+?)/?$")
MEDIA_DOWNLOAD = re.compile(r"^/_media/(?P<token>[A-Za-z0-9_\-]+)$")


def is_graph_path(path: str) -> bool:
    return bool(VERSIONED.match(path) or MEDIA_DOWNLOAD.match(path) or QR_IMAGE.match(path))


class GraphAPI:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.config = sim.config
        self.manage = ManageAPI(sim)

    def _authorised(self, request: Request) -> bool:
        token = request.bearer()
        return token is not None and hmac.compare_digest(
            token.encode("utf-8"), self.config.access_token.encode("utf-8")
        )

    def handle(self, request: Request) -> Response:
        download = MEDIA_DOWNLOAD.match(request.path)
        if download:
            return self.download(request, download.group("token"))
        image = QR_IMAGE.match(request.path)
        if image:
            return self.manage.qr_image(request, image.group("code"), image.group("ext"))
        match = VERSIONED.match(request.path)
        assert match is not None
        if not self._authorised(request):
            return auth_error()
        parts = match.group("rest").split("/")
        object_id = parts[0]
        method = request.method
        if len(parts) == 2 and parts[1] in ("messages", "media"):
            if method != "POST":
                return unknown_object(object_id, method)
            if object_id != self.config.phone_number_id:
                return unknown_object(object_id, method)
            if parts[1] == "messages":
                return self.messages(request)
            return self.upload(request)
        if len(parts) in (2, 3) and parts[1] == "message_qrdls" and object_id == self.config.phone_number_id:
            return self.manage.qrdls(request, parts[2] if len(parts) == 3 else None)
        if len(parts) == 2 and parts[1] == "message_templates" and object_id == self.config.waba_id:
            return self.manage.templates(request)
        if len(parts) == 1:
            if object_id == self.config.phone_number_id and method == "GET":
                return self.phone_number_info()
            if method == "GET" and self.sim.templates.get(object_id) is not None:
                return self.manage.template(object_id)
            if method == "GET":
                return self.with_fault("media", lambda: self.resolve_media(request, object_id))
            if method == "DELETE":
                return self.delete_media(object_id)
        return unknown_object(object_id, method)

    # -- messages ---------------------------------------------------------------------
    def messages(self, request: Request) -> Response:
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError):
            return graph_error(100, "Invalid parameter", "Request body is not valid JSON")
        if isinstance(body, dict) and body.get("status") == "read" and "message_id" in body:
            return self.mark_read(body)
        try:
            msg_type, to_given = validate_send(body, self.sim.known_media_ids())
        except ValidationError as exc:
            return graph_error(exc.code, exc.title, exc.details)
        assert isinstance(body, dict)
        category = "utility"
        if msg_type == "template" and self.config.strict_templates:
            try:
                category = self.sim.templates.check_send(body["template"]).category.lower()
            except TemplateError as exc:
                return graph_error(exc.code, exc.title, exc.details)
        fault = self.sim.take_fault("messages")
        if fault is None:
            return self._send(body, to_given, msg_type, None, category)
        delay = fault["delay_seconds"]
        if fault_kit.is_error(fault):
            time.sleep(delay)
            return fault_kit.error_response(fault, self.config.waba_id)
        forced = fault_kit.failed_status_error(fault) if fault["mode"] == "async" else None
        response = self._send(body, to_given, msg_type, forced, category)
        time.sleep(delay)
        return response

    def with_fault(self, target: str, answer: Callable[[], Response]) -> Response:
        """Answer, unless a fault of ``target`` is queued: then an error and/or a late answer."""
        fault = self.sim.take_fault(target)
        if fault is None:
            return answer()
        if fault_kit.is_error(fault):
            time.sleep(fault["delay_seconds"])
            return fault_kit.error_response(fault, self.config.waba_id)
        response = answer()
        time.sleep(fault["delay_seconds"])
        return response

    def _send(
        self, body: JSONDict, to_given: str, msg_type: str, forced_error: JSONDict | None, category: str
    ) -> Response:
        contact: JSONDict = {"input": to_given}
        if "to" in body:
            digits = normalise_phone(body["to"])
            phone = self.sim.ensure_phone(digits)
            contact["wa_id"] = digits
        else:
            found = self.sim.phone_by_user_id(str(body["recipient"]))
            if found is None:
                return graph_error(131009, "Parameter value is not valid", "Unknown recipient user id")
            phone = found
            contact["user_id"] = phone.user_id
        if not self.sim.throughput.try_spend():
            return graph_error(THROUGHPUT_CODE, THROUGHPUT_TITLE, THROUGHPUT_DETAILS, subcode=THROUGHPUT_SUBCODE)
        if not self.sim.pacing.try_spend(phone.number):
            return graph_error(PAIR_RATE_CODE, PAIR_RATE_TITLE, PAIR_RATE_DETAILS)
        entry = self.sim.record_outbound(phone, body, msg_type, forced_error, category)
        return json_response(
            {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": entry.wamid}]}
        )

    def mark_read(self, body: JSONDict) -> Response:
        if body.get("messaging_product") != "whatsapp":
            return graph_error(100, "Invalid parameter", "The parameter messaging_product is required.")
        message_id = body.get("message_id")
        typing = body.get("typing_indicator")
        if typing is not None and (not isinstance(typing, dict) or typing.get("type") != "text"):
            return graph_error(100, "Invalid parameter", "Param typing_indicator['type'] must be 'text'")
        if not isinstance(message_id, str) or not self.sim.mark_read_by_business(message_id, typing is not None):
            return graph_error(100, "Invalid parameter", f"Message with id {message_id!s} was not found")
        return json_response({"success": True})

    def phone_number_info(self) -> Response:
        number = self.config.display_phone_number
        return json_response(
            {
                "verified_name": self.config.verified_name,
                "display_phone_number": "+" + number,
                "id": self.config.phone_number_id,
                "quality_rating": "GREEN",
                "code_verification_status": "VERIFIED",
                "platform_type": "CLOUD_API",
                "throughput": {"level": "STANDARD"},
            }
        )

    # -- media ------------------------------------------------------------------------
    def upload(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "")
        if not content_type.lower().startswith("multipart/form-data"):
            return graph_error(100, "Invalid parameter", "Expected multipart/form-data")
        fields = parse_multipart(content_type, request.body)
        product = fields.get("messaging_product")
        if product is None or product.get_content() != "whatsapp":
            return graph_error(100, "Invalid parameter", "The parameter messaging_product is required.")
        part = fields.get("file")
        if part is None:
            return graph_error(131008, "Required parameter is missing", "The parameter file is required.")
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            return graph_error(131053, "Media upload error", "Uploaded file is empty")
        mime_type = ""
        type_field = fields.get("type")
        if type_field is not None:
            mime_type = str(type_field.get_content()).strip()
        if not mime_type:
            mime_type = part.get_content_type()
        media = self.sim.add_media(data, mime_type, filename=part.get_filename(), uploaded=True)
        return json_response({"id": media.media_id})

    def resolve_media(self, request: Request, media_id: str) -> Response:
        media = self.sim.get_media(media_id)
        wanted = request.query.get("phone_number_id")
        if media is None or (wanted is not None and wanted != self.config.phone_number_id):
            return unknown_object(media_id, "GET")
        # The reference doc calls the webhook sha256 base64 and leaves the GET answer
        # unspecified ("..."), so base64 is used here too unless configured to hex.
        digest = media.sha256_hex if self.config.media_sha256_encoding == "hex" else media.sha256_b64
        return json_response(
            {
                "messaging_product": "whatsapp",
                "url": self.sim.media_url(media_id),
                "mime_type": media.mime_type,
                "sha256": digest,
                "file_size": len(media.data),
                "id": media_id,
            }
        )

    def delete_media(self, media_id: str) -> Response:
        if not self.sim.delete_media(media_id):
            return unknown_object(media_id, "DELETE")
        return json_response({"success": True})

    def download(self, request: Request, token: str) -> Response:
        if request.method != "GET":
            return Response(status=405, body=b"", content_type="text/plain")
        if not self._authorised(request):
            return auth_error()
        return self.with_fault("download", lambda: self._download(token))

    def _download(self, token: str) -> Response:
        media = self.sim.media_for_token(token)
        if media is None:
            return Response(status=404, body=b"Not Found", content_type="text/plain")
        return Response(status=200, body=media.data, content_type=media.mime_type)


def parse_multipart(content_type: str, body: bytes) -> dict[str, EmailMessage]:
    """Parse multipart/form-data with the stdlib ``email`` package."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(head + body)
    fields: dict[str, EmailMessage] = {}
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return fields
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = part
    return fields
