from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "satark.analytics"
    label = "analytics"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .sql import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="satark.analytics.median")
