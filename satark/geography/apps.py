from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "satark.geography"
    label = "geography"
