from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "satark.escalation"
    label = "escalation"
    verbose_name = "Escalation"
