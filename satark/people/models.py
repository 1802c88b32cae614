"""Staff of the police offices: a role and the unit the role applies to."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from satark.geography.models import Circle, District, PoliceStation


class Role(models.TextChoices):
    DIG_OFFICE = "dig_office", "DIG office (all districts)"
    SP_OFFICE = "sp_office", "SP office (own district)"
    CIRCLE_OFFICE = "circle_office", "Circle office (own circle, where enabled)"
    STATION_STAFF = "station_staff", "Police station staff (own station, where enabled)"
    ADMIN = "admin", "Administrator (configuration, no tip content)"


# Roles that read tip content. ADMIN is configuration only: a person who configures and also handles
# tips has a content role here and admin-site access (User.is_staff) besides.
CONTENT_ROLES = (Role.DIG_OFFICE, Role.SP_OFFICE, Role.CIRCLE_OFFICE, Role.STATION_STAFF)


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, null=True, blank=True, help_text="circle-office accounts only"
    )
    station = models.ForeignKey(
        PoliceStation, on_delete=models.PROTECT, null=True, blank=True, help_text="station-staff accounts only"
    )
    language = models.CharField(max_length=8, default="en", choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role == Role.SP_OFFICE and self.district_id is None:
            raise ValidationError("An SP-office account needs a district.")
        if self.role == Role.CIRCLE_OFFICE:
            if self.circle is None:
                raise ValidationError("A circle-office account needs a circle.")
            self.district_id = self.circle.district_id
        if self.role == Role.STATION_STAFF:
            if self.station is None:
                raise ValidationError("A station-staff account needs a police station.")
            self.district_id = self.station.district_id
            self.circle_id = self.station.circle_id
        if self.role != Role.STATION_STAFF and self.station_id is not None:
            raise ValidationError("Only a station-staff account has a police station.")


class Rank(models.TextChoices):
    CONSTABLE = "ct", "Constable · आरक्षी"
    HEAD_CONSTABLE = "hc", "Head Constable · मुख्य आरक्षी"
    SUB_INSPECTOR = "si", "Sub-Inspector · उपनिरीक्षक"
    INSPECTOR = "insp", "Inspector · निरीक्षक"
    CIRCLE_OFFICER = "co", "Circle Officer / DSP · क्षेत्राधिकारी"
    ASP = "asp", "Additional SP · अपर पुलिस अधीक्षक"
    SP = "sp", "Superintendent of Police · पुलिस अधीक्षक"


class Officer(models.Model):
    """A field officer who receives tasks and sends action-taken reports over WhatsApp.

    The officer's WhatsApp number lives in the identity vault like every other number; `contact_ref`
    is the vault reference the send path resolves."""

    name = models.CharField(max_length=120)
    rank = models.CharField(max_length=8, choices=Rank.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="officers")
    circle = models.ForeignKey(Circle, on_delete=models.SET_NULL, null=True, blank=True)
    station = models.ForeignKey(PoliceStation, on_delete=models.SET_NULL, null=True, blank=True)
    contact_ref = models.CharField(max_length=40, unique=True)
    language = models.CharField(max_length=8, default="hi")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["district", "name"]

    def __str__(self) -> str:
        return f"{self.get_rank_display().split(' · ')[0]} {self.name}"
