from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "satark.analytics"
    label = "analytics"
