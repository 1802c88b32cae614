"""Police geography: range (DIG office) -> district (SP office) -> circle -> police station."""

from __future__ import annotations

from django.db import models

from satark.core.names import in_language


class Range(models.Model):
    code = models.CharField(max_length=16, unique=True)
    reference_prefix = models.CharField(max_length=8)
    name = models.JSONField(help_text="labels by language code")
    office = models.JSONField(help_text="office name by language code")

    def __str__(self) -> str:
        return str(self.name.get("en", self.code))


class District(models.Model):
    range = models.ForeignKey(Range, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(max_length=16, unique=True)
    name = models.JSONField()
    office = models.JSONField()
    order = models.PositiveSmallIntegerField(default=0)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (Polygon/MultiPolygon)")
    hq_lat = models.FloatField(null=True, blank=True)
    hq_lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return str(self.name.get("en", self.code))

    def label(self, lang: str) -> str:
        return in_language(self.name, lang, self.code)


class Circle(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="circles")
    name = models.JSONField()

    def __str__(self) -> str:
        return str(self.name.get("en", ""))


class PoliceStation(models.Model):
    class Confidence(models.TextChoices):
        HIGH = "high"
        MEDIUM = "medium"
        LOW = "low"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="stations")
    circle = models.ForeignKey(Circle, on_delete=models.SET_NULL, null=True, blank=True, related_name="stations")
    code = models.CharField(max_length=64, unique=True)
    name = models.JSONField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    coord_confidence = models.CharField(max_length=8, choices=Confidence.choices, default=Confidence.LOW)
    source = models.TextField(blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="other spellings citizens type")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["district__order", "code"]

    def __str__(self) -> str:
        return str(self.name.get("en", self.code))

    def label(self, lang: str) -> str:
        return in_language(self.name, lang, self.code)


class Place(models.Model):
    """A tehsil or block: places citizens name that are not police stations."""

    class Kind(models.TextChoices):
        TEHSIL = "tehsil"
        BLOCK = "block"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    code = models.CharField(max_length=80, unique=True)
    name = models.JSONField()
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["district__order", "kind", "code"]

    def __str__(self) -> str:
        return str(self.name.get("en", self.code))

    def label(self, lang: str) -> str:
        return in_language(self.name, lang, self.code)
