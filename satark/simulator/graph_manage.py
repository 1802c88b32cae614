"""Graph management endpoints: message templates and QR codes (``message_qrdls``).

- ``POST /{v}/{waba-id}/message_templates``: create -> ``{"id", "status": "PENDING", "category"}``
- ``GET /{v}/{waba-id}/message_templates?name=&status=&category=&language=&limit=&after=``:
  ``{"data": [{name, language, status, category, id, components, parameter_format}],
  "paging": {"cursors": {"before", "after"}, "next"?}}`` (``name`` matches substrings)
- ``DELETE /{v}/{waba-id}/message_templates?name=[&hsm_id=]``: ``{"success": true}``
- ``GET /{v}/{template-id}``: one template
- ``POST /{v}/{phone-number-id}/message_qrdls`` (JSON, form or query parameters):
  ``prefilled_message`` (<= 140 chars) and ``generate_qr_image`` ("SVG"|"PNG") create; with
  ``code`` they update. Answer: ``{"code", "prefilled_message", "deep_link_url",
  "qr_image_url"?}``
- ``GET /{v}/{phone-number-id}/message_qrdls[?code=&fields=qr_image_url.format(SVG)]``,
  ``GET .../message_qrdls/{code}``: ``{"data": [...]}`` (``qr_image_url`` only when
  ``fields`` asks for it, as on Meta)
- ``DELETE .../message_qrdls/{code}``: ``{"success": true}``
- ``GET /_qr/{code}.svg|.png``: placeholder image (see ``qrcodes.py``), no token needed
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from .qrcodes import IMAGE_FORMATS, MAX_PREFILLED, placeholder_png, placeholder_svg
from .state import Simulator
from .templates import TemplateError
from .wsgiutil import Request, Response, graph_error, json_response, unknown_object

JSONDict = dict[str, Any]

QR_IMAGE = re.compile(r"^/_qr/(?P<code>[A-Z0-9]{1,32})\.(?P<ext>svg|png)$")
FIELDS_FORMAT = re.compile(r"qr_image_url\.format\((SVG|PNG)\)", re.IGNORECASE)


def _invalid(details: str) -> Response:
    return graph_error(100, "Invalid parameter", details)


class ManageAPI:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.config = sim.config

    # -- templates --------------------------------------------------------------------
    def templates(self, request: Request) -> Response:
        store = self.sim.templates
        if request.method == "GET":
            return json_response(store.listing(request.query, self.config.base_url + request.path.rstrip("/")))
        if request.method == "POST":
            try:
                body = request.json()
            except (ValueError, UnicodeDecodeError):
                return _invalid("Request body is not valid JSON")
            try:
                template = store.create(body)
            except TemplateError as exc:
                return graph_error(exc.code, exc.title, exc.details, subcode=exc.subcode)
            return json_response({"id": template.template_id, "status": template.status, "category": template.category})
        if request.method == "DELETE":
            name = request.query.get("name", "")
            if not name:
                return _invalid("Param name is required")
            if not store.delete(name, request.query.get("hsm_id") or None):
                return _invalid(f"Message template {name} not found")
            return json_response({"success": True})
        return unknown_object(self.config.waba_id, request.method)

    def template(self, template_id: str) -> Response:
        template = self.sim.templates.get(template_id)
        if template is None:
            return unknown_object(template_id, "GET")
        return json_response(template.as_json())

    # -- QR codes -----------------------------------------------------------------------
    def _params(self, request: Request) -> JSONDict | None:
        params: JSONDict = dict(request.query)
        content_type = request.headers.get("content-type", "").lower()
        if not request.body:
            return params
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
            return params
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        params.update(body)
        return params

    def qrdls(self, request: Request, code: str | None) -> Response:
        store = self.sim.qrcodes
        base = self.config.base_url
        if request.method == "GET":
            wanted = code or request.query.get("code")
            match = FIELDS_FORMAT.search(request.query.get("fields", ""))
            fmt = match.group(1).upper() if match else None
            if wanted:
                qr = store.get(wanted)
                if qr is None:
                    return unknown_object(wanted, "GET") if code else json_response({"data": []})
                return json_response({"data": [qr.as_json(base, fmt, stored_format=False)]})
            return json_response({"data": [qr.as_json(base, fmt, stored_format=False) for qr in store.all()]})
        if request.method == "DELETE":
            if code is None or not store.delete(code):
                return unknown_object(code or self.config.phone_number_id, "DELETE")
            return json_response({"success": True})
        if request.method != "POST" or code is not None:
            return unknown_object(code or self.config.phone_number_id, request.method)
        params = self._params(request)
        if params is None:
            return _invalid("Request body is not valid JSON")
        prefilled = params.get("prefilled_message")
        if not isinstance(prefilled, str) or not prefilled.strip():
            return graph_error(131008, "Required parameter is missing", "The parameter prefilled_message is required.")
        if len(prefilled) > MAX_PREFILLED:
            return _invalid(f"Param prefilled_message must be at most {MAX_PREFILLED} characters long.")
        fmt = params.get("generate_qr_image")
        if fmt is not None and (not isinstance(fmt, str) or fmt.upper() not in IMAGE_FORMATS):
            return _invalid("Param generate_qr_image must be one of {SVG, PNG}")
        fmt = fmt.upper() if isinstance(fmt, str) else None
        existing = params.get("code")
        if existing is not None:
            qr = store.update(str(existing), prefilled, fmt)
            if qr is None:
                return _invalid(f"QR code {existing} does not exist")
            return json_response(qr.as_json(base))
        qr = store.create(prefilled, fmt)
        if qr is None:
            return _invalid("The phone number reached the maximum of 2000 QR codes")
        return json_response(qr.as_json(base))

    def qr_image(self, request: Request, code: str, ext: str) -> Response:
        qr = self.sim.qrcodes.get(code)
        if request.method != "GET" or qr is None:
            return Response(status=404, body=b"Not Found", content_type="text/plain")
        if ext == "svg":
            return Response(body=placeholder_svg(qr), content_type="image/svg+xml")
        return Response(body=placeholder_png(qr), content_type="image/png")
