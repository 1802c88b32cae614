from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "satark.tips"
    label = "tips"
