"""Reference data in the admin — districts, circles, stations (including moving a station's pin),
categories with their escalation deadlines, officers, staff accounts — with validation, and every change
written to the audit chain (who, what, from -> to). Tips themselves are never administered here."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from satark.audit.actions import record
from satark.dashboard.security import twofactor
from satark.geography.models import Circle, District, PoliceStation, Range
from satark.geography.selectors import geometry_contains
from satark.people.models import Officer, StaffProfile
from satark.tips.models import Category

LANGS = ("en", "hi")
MAX_ASSIGN_MINUTES = 7 * 24 * 60
MAX_REPORT_HOURS = 90 * 24


def _value(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return value


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes config.created / config.changed / config.deleted audit events with the changed fields."""

    audit_exclude: tuple[str, ...] = ("boundary",)

    def _label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = type(obj).objects.filter(pk=obj.pk).first() if change and obj.pk else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            fields = {}
            for name in form.changed_data:
                if name in self.audit_exclude or not hasattr(obj, name):
                    continue
                fields[name] = {"from": _value(before, name) if before else None, "to": _value(obj, name)}
            extra = getattr(form, "audit_extra", {})
            if fields or not change:
                record(
                    "config.changed" if change else "config.created",
                    self._label(),
                    str(obj.pk),
                    actor=request.user,
                    details={"object": str(obj), "fields": fields, **extra},
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        label, pk, text = self._label(), str(obj.pk), str(obj)
        with transaction.atomic():
            super().delete_model(request, obj)
            record("config.deleted", label, pk, actor=request.user, details={"object": text})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in list(queryset):
            self.delete_model(request, obj)


def _check_names(value: Any, field: str, max_length: int | None = None) -> None:
    if not isinstance(value, dict):
        raise forms.ValidationError(f'{field}: a JSON object such as {{"en": "...", "hi": "..."}}')
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise forms.ValidationError(f"{field}: the {lang!r} text is missing")
        if max_length and len(text) > max_length:
            raise forms.ValidationError(f"{field}: {lang!r} is {len(text)} characters; WhatsApp allows {max_length}")


# --- geography -------------------------------------------------------------------------------------


@admin.register(Range)
class RangeAdmin(AuditedAdmin):
    list_display = ("code", "reference_prefix", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code", "reference_prefix") if obj else ()  # references already issued carry the prefix


class DistrictForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = District
        fields = ("range", "code", "name", "office", "order", "hq_lat", "hq_lon")

    def clean_name(self) -> Any:
        _check_names(self.cleaned_data["name"], "name")
        return self.cleaned_data["name"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("hq_lat"), data.get("hq_lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError("Give both the latitude and the longitude of the headquarters, or neither.")
        boundary = self.instance.boundary if self.instance.pk else None
        if lat is not None and lon is not None and boundary and not geometry_contains(boundary, lon, lat):
            raise forms.ValidationError("The headquarters point is outside the district's boundary.")
        return data


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    form = DistrictForm
    list_display = ("code", "name", "range", "order")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()  # posters and QR codes carry the code


class CircleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Circle
        fields = ("district", "name")

    def clean_name(self) -> Any:
        name = self.cleaned_data["name"]
        if not isinstance(name, dict) or not str(name.get("en") or "").strip():
            raise forms.ValidationError('name: a JSON object with at least {"en": "..."}')
        return name


@admin.register(Circle)
class CircleAdmin(AuditedAdmin):
    form = CircleForm
    list_display = ("name", "district")
    list_filter = ("district",)


class PoliceStationForm(forms.ModelForm):  # type: ignore[type-arg]
    outside_boundary_ok = forms.BooleanField(
        required=False,
        label="The point is outside the district boundary and that is correct",
        help_text="Only for a station that really sits outside its district's drawn boundary (boundaries are "
        "approximate). The move is recorded in the audit log either way.",
    )

    class Meta:
        model = PoliceStation
        fields = ("district", "circle", "code", "name", "aliases", "lat", "lon", "coord_confidence", "source", "active")

    def clean_name(self) -> Any:
        _check_names(self.cleaned_data["name"], "name")
        return self.cleaned_data["name"]

    def clean_aliases(self) -> Any:
        aliases = self.cleaned_data.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise forms.ValidationError('a JSON list of spellings, e.g. ["Mughalsarai", "PDDU Nagar"]')
        return aliases

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.audit_extra: dict[str, Any] = {}
        district, circle = data.get("district"), data.get("circle")
        if district and circle and circle.district_id != district.pk:
            self.add_error("circle", "This circle belongs to another district.")
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError("Give both the latitude and the longitude, or neither.")
        if lat is None or lon is None or district is None:
            return data
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise forms.ValidationError("Latitude must be within ±90 and longitude within ±180 (decimal degrees).")
        if district.boundary and not geometry_contains(district.boundary, lon, lat):
            if not data.get("outside_boundary_ok"):
                self.add_error(
                    "lat",
                    f"{lat:.5f}, {lon:.5f} is outside {district}'s boundary. Check the point (latitude first, "
                    "decimal degrees), or tick the box below if the station really is there.",
                )
            else:
                self.audit_extra["outside_boundary"] = True
        return data


@admin.register(PoliceStation)
class PoliceStationAdmin(AuditedAdmin):
    form = PoliceStationForm
    list_display = ("code", "name", "district", "circle", "lat", "lon", "coord_confidence", "active")
    list_filter = ("district", "coord_confidence", "active")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and {"lat", "lon"} & set(form.changed_data):
            when = timezone.localtime().strftime("%Y-%m-%d")
            obj.source = f"{obj.source}; moved in the admin by {request.user.get_username()} on {when}".strip("; ")
            if "source" not in form.changed_data:
                form.changed_data.append("source")
        super().save_model(request, obj, form, change)
        if getattr(form, "audit_extra", {}).get("outside_boundary"):
            messages.warning(request, f"{obj} is saved outside {obj.district}'s boundary, as you confirmed.")


# --- categories and deadlines ------------------------------------------------------------------------


class CategoryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Category
        fields = (
            "code",
            "order",
            "title",
            "description",
            "synonyms",
            "serious_crime",
            "active",
            "assign_within_minutes",
            "report_within_hours",
        )

    def clean_title(self) -> Any:
        _check_names(self.cleaned_data["title"], "title", 24)  # a WhatsApp list row title
        return self.cleaned_data["title"]

    def clean_description(self) -> Any:
        _check_names(self.cleaned_data["description"], "description", 72)  # a WhatsApp list row description
        return self.cleaned_data["description"]

    def clean_synonyms(self) -> Any:
        synonyms = self.cleaned_data.get("synonyms") or []
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise forms.ValidationError("a JSON list of words")
        return synonyms

    def clean_assign_within_minutes(self) -> int | None:
        value = self.cleaned_data.get("assign_within_minutes")
        if value is not None and not 1 <= value <= MAX_ASSIGN_MINUTES:
            raise forms.ValidationError(
                f"between 1 and {MAX_ASSIGN_MINUTES} minutes (7 days), or empty for the default"
            )
        return value

    def clean_report_within_hours(self) -> int | None:
        value = self.cleaned_data.get("report_within_hours")
        if value is not None and not 1 <= value <= MAX_REPORT_HOURS:
            raise forms.ValidationError(f"between 1 and {MAX_REPORT_HOURS} hours (90 days), or empty for the default")
        return value


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    form = CategoryForm
    list_display = ("code", "title", "order", "serious_crime", "assign_within_minutes", "report_within_hours", "active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()  # the questionnaire and filed tips refer to the code

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # tips refer to categories: deactivate instead


# --- people ------------------------------------------------------------------------------------------


class OfficerForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Officer
        fields = ("name", "rank", "district", "circle", "station", "language", "active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        district, circle, station = data.get("district"), data.get("circle"), data.get("station")
        if district and station and station.district_id != district.pk:
            self.add_error("station", "This police station is in another district.")
        if district and circle and circle.district_id != district.pk:
            self.add_error("circle", "This circle is in another district.")
        if station and circle and station.circle_id and station.circle_id != circle.pk:
            self.add_error("circle", "The station belongs to another circle.")
        return data


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin):
    """Rosters are loaded with `manage.py import_officers`; here an office can correct or deactivate an
    officer. The WhatsApp number is in the vault and is not shown or edited here."""

    form = OfficerForm
    list_display = ("name", "rank", "district", "station", "language", "active")
    list_filter = ("district", "rank", "active")
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports refer to officers: deactivate instead


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    list_display = ("user", "role", "district", "circle", "station", "language")
    list_filter = ("role", "district")
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-step login (the account enrols a new phone at its next login)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[StaffProfile]) -> None:
        for profile in queryset.select_related("user"):
            twofactor.reset(profile.user, actor=request.user, reason="admin reset")
        messages.success(request, f"Two-step login reset for {queryset.count()} account(s).")
