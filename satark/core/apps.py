from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "satark.core"
    label = "satark_core"
