"""Staff of the police offices: a role and the unit the role applies to."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from satark.geography.models import District


class Role(models.TextChoices):
    DIG_OFFICE = "dig_office", "DIG office (all districts)"
    SP_OFFICE = "sp_office", "SP office (own district)"
    ADMIN = "admin", "Administrator (configuration, no tip content)"


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    language = models.CharField(max_length=8, default="en")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role == Role.SP_OFFICE and self.district_id is None:
            raise ValidationError("An SP-office account needs a district.")
