"""Message templates: creation (``POST /{waba-id}/message_templates``), review, listing and the
checks applied to ``type: template`` sends.

A created template is ``PENDING`` and turns ``APPROVED`` once ``template_approval_delay``
seconds of simulator clock passed (default 0: at the next read). The control API can set any
status (``APPROVED``, ``REJECTED``, ``PAUSED``, ``DISABLED``, ``PENDING``). Parameters are
positional (``{{1}}``, ``{{2}}``: must be 1..n) or, with ``parameter_format: NAMED``,
``{{lower_snake}}`` names. Sending (when ``strict_templates``) needs an existing
(name, language.code) that is ``APPROVED``: unknown, pending or rejected -> 132001, paused
-> 132015, disabled -> 132016 (Meta's codes, reference doc 2.12); a body parameter count that
differs from the template's -> 132000; named parameters that do not match -> 132012.

Every status change after creation (the review's approval, or a status set through the control
API) is reported to ``on_change`` — the simulator turns it into Meta's
``message_template_status_update`` webhook. The review is timed by ``schedule_review`` (so the
approval happens, and is reported, even when nobody reads the templates) and checked again on
every read.
"""

from __future__ import annotations

import base64
import dataclasses
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .validate import ValidationError

JSONDict = dict[str, Any]

CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
STATUSES = ("PENDING", "APPROVED", "REJECTED", "PAUSED", "DISABLED")
COMPONENT_TYPES = ("HEADER", "BODY", "FOOTER", "BUTTONS")
PARAMETER_FORMATS = ("POSITIONAL", "NAMED")
NAME = re.compile(r"^[a-z0-9_]{1,512}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
NAMED_PARAM = re.compile(r"^[a-z_][a-z0-9_]*$")
DUPLICATE_SUBCODE = 2388024
ERROR_TITLES = {
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    132012: "Parameter format does not match format in the created template",
    132015: "Template is Paused",
    132016: "Template is disabled",
}


class TemplateError(ValidationError):
    def __init__(self, code: int, details: str, subcode: int | None = None) -> None:
        super().__init__(code, details)
        self.subcode = subcode

    @property
    def title(self) -> str:
        return ERROR_TITLES.get(self.code, "Invalid parameter")


def _placeholders(text: str, parameter_format: str, where: str) -> list[str]:
    found = list(dict.fromkeys(PLACEHOLDER.findall(text)))
    if parameter_format == "POSITIONAL":
        if any(not p.isdigit() for p in found):
            raise TemplateError(100, f"{where} uses named parameters but parameter_format is POSITIONAL")
        numbers = sorted(int(p) for p in found)
        if numbers != list(range(1, len(numbers) + 1)):
            raise TemplateError(100, f"{where} parameters must be numbered {{{{1}}}} to {{{{n}}}} without gaps")
        return [str(n) for n in numbers]
    if any(not NAMED_PARAM.match(p) for p in found):
        raise TemplateError(100, f"{where} named parameters must be lowercase letters, digits and _")
    return found


@dataclass
class Template:
    template_id: str
    name: str
    language: str
    category: str
    parameter_format: str
    components: list[JSONDict]
    body_params: list[str]
    status: str = "PENDING"
    approve_at: float | None = None
    reason: str | None = None

    def as_json(self) -> JSONDict:
        data: JSONDict = {
            "name": self.name,
            "parameter_format": self.parameter_format,
            "components": self.components,
            "language": self.language,
            "status": self.status,
            "category": self.category,
            "id": self.template_id,
        }
        if self.status == "REJECTED":
            data["rejected_reason"] = self.reason or "INVALID_FORMAT"
        return data


def parse_create(body: Any) -> Template:
    """Validate a ``message_templates`` create body (Meta's field names); error code 100."""
    if not isinstance(body, dict):
        raise TemplateError(100, "Request body must be a JSON object")
    name = body.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise TemplateError(100, "Param name must be 1-512 lowercase letters, digits and underscores")
    language = body.get("language")
    if not isinstance(language, str) or not LANGUAGE.match(language):
        raise TemplateError(100, "Param language must be a language code such as en_US or hi")
    category = body.get("category")
    if not isinstance(category, str) or category.upper() not in CATEGORIES:
        raise TemplateError(100, f"Param category must be one of {', '.join(CATEGORIES)}")
    parameter_format = body.get("parameter_format", "POSITIONAL")
    if not isinstance(parameter_format, str) or parameter_format.upper() not in PARAMETER_FORMATS:
        raise TemplateError(100, "Param parameter_format must be POSITIONAL or NAMED")
    parameter_format = parameter_format.upper()
    components = body.get("components")
    if not isinstance(components, list) or not components:
        raise TemplateError(100, "Param components must be a non-empty array")
    body_params: list[str] | None = None
    for index, component in enumerate(components):
        where = f"components[{index}]"
        if not isinstance(component, dict) or str(component.get("type", "")).upper() not in COMPONENT_TYPES:
            raise TemplateError(100, f"Param {where}['type'] must be one of {', '.join(COMPONENT_TYPES)}")
        kind = str(component["type"]).upper()
        text = component.get("text")
        if kind == "BODY":
            if body_params is not None:
                raise TemplateError(100, "A template has exactly one BODY component")
            if not isinstance(text, str) or not text.strip() or len(text) > 1024:
                raise TemplateError(100, f"Param {where}['text'] must be 1 to 1024 characters")
            body_params = _placeholders(text, parameter_format, "BODY")
        elif kind in ("HEADER", "FOOTER") and text is not None:
            if not isinstance(text, str) or len(text) > 60:
                raise TemplateError(100, f"Param {where}['text'] must be at most 60 characters")
            if kind == "HEADER" and len(_placeholders(text, parameter_format, "HEADER")) > 1:
                raise TemplateError(100, "A HEADER takes at most one parameter")
        elif kind == "BUTTONS" and not isinstance(component.get("buttons"), list):
            raise TemplateError(100, f"Param {where}['buttons'] must be an array")
    if body_params is None:
        raise TemplateError(100, "A template needs a BODY component")
    return Template(
        template_id=str(10**15 + secrets.randbelow(9 * 10**15)),
        name=name,
        language=language,
        category=category.upper(),
        parameter_format=parameter_format,
        components=components,
        body_params=body_params,
    )


class TemplateStore:
    """Thread-safe store of one WABA's templates, keyed by id; (name, language) is unique."""

    def __init__(
        self,
        clock: Callable[[], float],
        approval_delay: float,
        *,
        on_change: Callable[[Template], None] | None = None,
        schedule_review: Callable[[float], None] | None = None,
    ) -> None:
        self._clock = clock
        self.approval_delay = approval_delay
        self.on_change = on_change
        self.schedule_review = schedule_review
        self._lock = threading.Lock()
        self._templates: dict[str, Template] = {}

    def _refresh(self) -> list[Template]:
        """Finish the reviews that are due (call with the lock held); returns the templates changed."""
        now = self._clock()
        changed = []
        for template in self._templates.values():
            if template.status == "PENDING" and template.approve_at is not None and now >= template.approve_at:
                template.status = "APPROVED"
                template.approve_at = None
                changed.append(template)
        return changed

    def _notify(self, changed: list[Template]) -> None:
        """Report status changes (call without the lock: the callback may read the store)."""
        if self.on_change is not None:
            for template in changed:
                self.on_change(template)

    def refresh(self) -> None:
        with self._lock:
            changed = self._refresh()
        self._notify(changed)

    def create(self, body: Any, *, status: str | None = None) -> Template:
        """Create from a Graph body; ``status`` None = review (PENDING, approved after the delay).
        Returns a copy of the template as created."""
        template = parse_create(body)
        with self._lock:
            for other in self._templates.values():
                if other.name == template.name and other.language == template.language:
                    raise TemplateError(
                        100,
                        f"Content in this language already exists for template {template.name}",
                        DUPLICATE_SUBCODE,
                    )
            if status is None:
                template.approve_at = self._clock() + max(0.0, self.approval_delay)
            else:
                template.status = status
            self._templates[template.template_id] = template
            answer = dataclasses.replace(template)  # as created: the review may change the stored one at once
        if status is None and self.schedule_review is not None:
            self.schedule_review(max(0.0, self.approval_delay))
        return answer

    def find(self, key: str, language: str | None = None) -> list[Template]:
        """Templates whose id or name is ``key`` (optionally of one language)."""
        with self._lock:
            changed = self._refresh()
            found = [
                t
                for t in self._templates.values()
                if key in (t.template_id, t.name) and (language is None or t.language == language)
            ]
        self._notify(changed)
        return found

    def get(self, template_id: str) -> Template | None:
        with self._lock:
            changed = self._refresh()
            found = self._templates.get(template_id)
        self._notify(changed)
        return found

    def set_status(self, template_id: str, status: str, reason: str | None = None) -> Template | None:
        with self._lock:
            template = self._templates.get(template_id)
            if template is None:
                return None
            changed = template.status != status or template.reason != reason
            template.status = status
            template.approve_at = None
            template.reason = reason
        if changed:
            self._notify([template])
        return template

    def delete(self, name: str, template_id: str | None = None) -> int:
        with self._lock:
            doomed = [
                t.template_id
                for t in self._templates.values()
                if t.name == name and (template_id is None or t.template_id == template_id)
            ]
            for key in doomed:
                del self._templates[key]
            return len(doomed)

    def clear(self) -> None:
        with self._lock:
            self._templates.clear()

    def all(self) -> list[Template]:
        with self._lock:
            changed = self._refresh()
            found = list(self._templates.values())
        self._notify(changed)
        return found

    def listing(self, query: dict[str, str], base_url: str) -> JSONDict:
        """``GET /{waba-id}/message_templates`` with Meta's filters and cursor paging."""
        items = self.all()
        if query.get("name"):
            items = [t for t in items if query["name"] in t.name]
        for key, attr in (("status", "status"), ("category", "category"), ("language", "language")):
            if query.get(key):
                wanted = {v.strip().upper() if key != "language" else v.strip() for v in query[key].split(",")}
                items = [t for t in items if getattr(t, attr) in wanted]
        try:
            limit = max(1, min(int(query.get("limit", "25")), 1000))
        except ValueError:
            limit = 25
        start = _decode_cursor(query.get("after", ""))
        page = items[start : start + limit]
        data: JSONDict = {"data": [t.as_json() for t in page]}
        paging: JSONDict = {"cursors": {"before": _cursor(start), "after": _cursor(start + len(page))}}
        if start + len(page) < len(items):
            paging["next"] = f"{base_url}?limit={limit}&after={_cursor(start + len(page))}"
        data["paging"] = paging
        return data

    def check_send(self, payload: JSONDict) -> Template:
        """Check a validated ``template`` send object against the store (see the module doc)."""
        name = str(payload["name"])
        code = str(payload["language"]["code"])
        found = self.find(name, code)
        template = next((t for t in found if t.name == name), None)
        if template is None:
            raise TemplateError(132001, f"template name ({name}) does not exist in {code}")
        if template.status == "PAUSED":
            raise TemplateError(132015, f"Template {name} is paused due to low quality")
        if template.status == "DISABLED":
            raise TemplateError(132016, f"Template {name} has been disabled due to low quality")
        if template.status != "APPROVED":
            raise TemplateError(132001, f"template name ({name}) in {code} is not approved ({template.status})")
        params: list[Any] = []
        for component in payload.get("components", []):
            if component.get("type") == "body":
                params.extend(component.get("parameters", []))
        expected = len(template.body_params)
        if len(params) != expected:
            raise TemplateError(
                132000,
                f"body: number of localizable_params ({len(params)}) does not match "
                f"the expected number of params ({expected})",
            )
        if template.parameter_format == "NAMED":
            names = [p.get("parameter_name") for p in params]
            if sorted(str(n) for n in names) != sorted(template.body_params):
                raise TemplateError(132012, f"body: parameter names {names} do not match {template.body_params}")
        return template


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode().rstrip("=")


def _decode_cursor(value: str) -> int:
    if not value:
        return 0
    try:
        return max(0, int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()))
    except (ValueError, UnicodeDecodeError):
        return 0
