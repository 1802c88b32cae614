from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "satark.audit"
    label = "audit"
