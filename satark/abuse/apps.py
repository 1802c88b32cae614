from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "satark.abuse"
    label = "abuse"
    verbose_name = "Abuse control"
