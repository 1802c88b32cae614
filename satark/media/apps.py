from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "satark.media"
    label = "media"
