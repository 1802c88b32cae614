from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "satark.conversations"
    label = "conversations"
