"""The message templates the product needs (business-initiated messages outside the 24-hour window).

Declared here as data; `manage.py sync_templates` submits them to the channel and records their
approval state in TemplateState. Reporter-bound templates carry only the reference: never a category,
place, accused or officer (privacy rule 4)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    category: str  # UTILITY | MARKETING | AUTHENTICATION
    audience: str  # reporter | officer | office (an office's duty number)
    bodies: dict[str, str]  # language -> body with {{1}}, {{2}} ...
    examples: tuple[str, ...]  # one example value per parameter (Meta requires them)
    buttons: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> quick-reply labels

    @property
    def parameter_count(self) -> int:
        return len(self.examples)

    def payload(self, language: str, params: list[str], button_payloads: list[str] | None = None) -> dict[str, object]:
        """The channel-neutral outbound payload sending this template."""
        if len(params) != self.parameter_count:
            raise ValueError(f"{self.name} takes {self.parameter_count} parameters, got {len(params)}")
        return {
            "type": "template",
            "name": self.name,
            "language": language,
            "body_params": list(params),
            "buttons": [{"index": i, "payload": p} for i, p in enumerate(button_payloads or [])],
        }


TEMPLATES: tuple[TemplateSpec, ...] = (
    TemplateSpec(
        name="satark_action_taken",
        category="UTILITY",
        audience="reporter",
        bodies={
            "hi": "सतर्क मित्र: आपकी सूचना {{1}} पर कार्रवाई की गई है। सहयोग के लिए धन्यवाद।",
            "en": "Satark Mitra: action has been taken on your information {{1}}. Thank you for your help.",
        },
        examples=("VNS-7K3M9",),
    ),
    TemplateSpec(
        name="satark_reporter_update",
        category="UTILITY",
        audience="reporter",
        bodies={
            "hi": "सतर्क मित्र: आपकी सूचना {{1}} के बारे में एक संदेश है। देखने के लिए कोई भी संदेश भेजें।",
            "en": "Satark Mitra: there is a message about your information {{1}}. Reply with any message to see it.",
        },
        examples=("VNS-7K3M9",),
    ),
    TemplateSpec(
        name="satark_officer_task",
        category="UTILITY",
        audience="officer",
        bodies={
            "hi": "सतर्क मित्र: नया कार्य {{1}} ({{2}}, {{3}})। विवरण देखने के लिए नीचे बटन दबाएँ।",
            "en": "Satark Mitra: new task {{1}} ({{2}}, {{3}}). Tap a button below to see the details.",
        },
        examples=("VNS-7K3M9", "Gambling/betting", "Karanda"),
        buttons={"hi": ("स्वीकार करें", "मेरा क्षेत्र नहीं"), "en": ("Accept", "Not my area")},
    ),
    # Escalation (satark.escalation): the reference, the category and how late, nothing about the reporter.
    TemplateSpec(
        name="satark_officer_reminder",
        category="UTILITY",
        audience="officer",
        bodies={
            "hi": "सतर्क मित्र: कार्य {{1}} ({{2}}) की कार्रवाई रिपोर्ट {{3}} से लंबित है। कृपया रिपोर्ट भेजें।",
            "en": "Satark Mitra reminder: the action-taken report on task {{1}} ({{2}}) is {{3}} overdue. "
            "Please send your report.",
        },
        examples=("VNS-7K3M9", "Gambling/betting", "2 h 10 min"),
    ),
    TemplateSpec(
        name="satark_escalation",
        category="UTILITY",
        audience="office",
        bodies={
            "hi": "सतर्क मित्र एस्केलेशन: सूचना {{1}} ({{2}}) अपनी समय-सीमा से {{3}} पीछे है। कृपया डैशबोर्ड देखें।",
            "en": "Satark Mitra escalation: tip {{1}} ({{2}}) is {{3}} past its deadline. Please check the dashboard.",
        },
        examples=("VNS-7K3M9", "Gambling/betting", "2 h 10 min"),
    ),
)


def get(name: str) -> TemplateSpec:
    for spec in TEMPLATES:
        if spec.name == name:
            return spec
    raise KeyError(name)
