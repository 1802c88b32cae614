"""Only configuration is administered here; tips themselves are never shown in the admin (an admin
account holds no tip-content role)."""

from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "title", "order", "serious_crime", "active")
