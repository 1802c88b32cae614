from django.contrib import admin

from .models import Officer, StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "district", "language")
    list_filter = ("role", "district")


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rosters are loaded with `manage.py import_officers`; here an office can correct or deactivate an
    officer. The WhatsApp number is in the vault and is not shown or edited here."""

    list_display = ("name", "rank", "district", "station", "language", "active")
    list_filter = ("district", "rank", "active")
    search_fields = ("name",)
    exclude = ("contact_ref",)
