from django.contrib import admin

from .models import Circle, District, PoliceStation, Range


@admin.register(Range)
class RangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "reference_prefix", "name")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "range", "order")
    exclude = ("boundary",)


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "district")
    list_filter = ("district",)


@admin.register(PoliceStation)
class PoliceStationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "district", "circle", "coord_confidence", "active")
    list_filter = ("district", "coord_confidence", "active")
    search_fields = ("code", "name")
