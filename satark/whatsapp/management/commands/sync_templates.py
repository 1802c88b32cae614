"""Submit the product's declared templates to the WhatsApp Business Account and record their state."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satark.messaging.models import TemplateState
from satark.messaging.templates import TEMPLATES, TemplateSpec
from satark.messaging.types import SendError
from satark.whatsapp.client import GraphClient


def creation_body(spec: TemplateSpec, language: str) -> dict[str, Any]:
    components: list[dict[str, Any]] = [
        {"type": "BODY", "text": spec.bodies[language], "example": {"body_text": [list(spec.examples)]}}
    ]
    if spec.buttons.get(language):
        components.append(
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": t} for t in spec.buttons[language]]}
        )
    return {"name": spec.name, "language": language, "category": spec.category, "components": components}


def _listed(client: GraphClient, name: str) -> dict[tuple[Any, Any], dict[str, Any]]:
    return {(t.get("language"), t.get("name")): t for t in client.list_templates(name)}


def sync(client: GraphClient, *, submit: bool = True) -> list[TemplateState]:
    """Submit what is missing, then record each template's state as the account reports it now (the
    review is often automatic: a template created a moment ago may already be approved). Rows waiting
    for a template whose state changed are released (TemplateState.record)."""
    states = []
    for spec in TEMPLATES:
        existing = _listed(client, spec.name)
        created = {}
        for language in spec.bodies:
            if (language, spec.name) not in existing and submit:
                created[language] = client.create_template(creation_body(spec, language))
        if created:
            existing = _listed(client, spec.name)
        for language in spec.bodies:
            remote = existing.get((language, spec.name)) or created.get(language) or {}
            rejected = str(remote.get("rejected_reason") or "")
            TemplateState.record(
                spec.name,
                language,
                str(remote.get("status") or "MISSING"),
                reason="" if rejected.upper() == "NONE" else rejected,
                remote_id=str(remote.get("id") or ""),
                category=str(remote.get("category") or spec.category),
            )
            states.append(TemplateState.objects.get(name=spec.name, language=language))
    return states


class Command(BaseCommand):
    help = "Submit missing templates (every declared language) and record the approval state of all of them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="only refresh the recorded states")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            states = sync(GraphClient.from_settings(), submit=not options["check"])
        except SendError as exc:
            raise CommandError(f"the Graph API refused: {exc}") from exc
        for state in states:
            reason = f" ({state.reason})" if state.reason else ""
            self.stdout.write(f"{state.name:28} {state.language:4} {state.status}{reason}")
