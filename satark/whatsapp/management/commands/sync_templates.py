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


def sync(client: GraphClient, *, submit: bool = True) -> list[TemplateState]:
    states = []
    for spec in TEMPLATES:
        existing = {(t.get("language"), t.get("name")): t for t in client.list_templates(spec.name)}
        for language in spec.bodies:
            remote = existing.get((language, spec.name))
            if remote is None and submit:
                remote = client.create_template(creation_body(spec, language))
            status = str((remote or {}).get("status") or "MISSING").upper()
            state, _ = TemplateState.objects.update_or_create(
                name=spec.name,
                language=language,
                defaults={
                    "status": status,
                    "remote_id": str((remote or {}).get("id") or ""),
                    "category": str((remote or {}).get("category") or spec.category),
                },
            )
            states.append(state)
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
            self.stdout.write(f"{state.name:28} {state.language:4} {state.status}")
