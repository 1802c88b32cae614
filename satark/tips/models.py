"""Tips and their categories. A tip refers to its reporter only by the vault's opaque reference."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satark.core.names import in_language
from satark.geography.models import District, PoliceStation


class Category(models.Model):
    code = models.CharField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.JSONField(help_text="short title by language (<= 24 characters: a WhatsApp list row)")
    description = models.JSONField(help_text="description by language (<= 72 characters)")
    synonyms = models.JSONField(default=list, help_text="words citizens type for this category")
    serious_crime = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    # Escalation deadlines (None: the range-wide default in settings.SATARK_ESCALATION_DEFAULTS).
    assign_within_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="a new tip must be assigned to an officer within this many minutes"
    )
    report_within_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="an assigned tip must have an action-taken report within this many hours"
    )

    class Meta:
        ordering = ["order"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return str(self.title.get("en", self.code))

    def label(self, lang: str) -> str:
        return in_language(self.title, lang, self.code)


# Choice labels are translated (the dashboard's catalogue holds the Hindi): `get_status_display()` and the
# dashboard's label filters read them in the reader's language.
class Sensitivity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    RESTRICTED = "restricted", _("Restricted viewing")


class Tip(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned to an officer")
        ACCEPTED = "accepted", _("Accepted by the officer")
        ACTION_REPORTED = "action_reported", _("Action reported")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        ACTION_TAKEN = "action_taken", _("Action taken")
        NO_SUBSTANCE = "no_substance", _("No substance found")
        DUPLICATE = "duplicate", _("Duplicate")
        TRANSFERRED = "transferred", _("Transferred")

    reference = models.CharField(max_length=16, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    # None only for a partial tip whose reporter never said where: the DIG office sees it and routes it.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="tips", null=True, blank=True)
    station = models.ForeignKey(PoliceStation, on_delete=models.SET_NULL, null=True, blank=True)
    description = models.TextField(blank=True)
    answers = models.JSONField(default=dict)
    # The answers as the reporter saw the questions, in every language of the bot, fixed when filed (a later
    # questionnaire version cannot change what this tip's questions were): {lang: [[key, question, answer]]}.
    answer_labels = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8)
    # Opaque reference into the identity vault; not derived from the number, never shown to staff.
    reporter_ref = models.CharField(max_length=40, db_index=True)
    police_involved = models.BooleanField(default=False)
    location_lat = models.FloatField(null=True, blank=True, help_text="incident place, from a pin the reporter sent")
    location_lon = models.FloatField(null=True, blank=True)
    place_text = models.CharField(max_length=200, blank=True, help_text="the place as the reporter typed it")
    occurred_at = models.DateTimeField(null=True, blank=True)
    occurred_text = models.CharField(max_length=200, blank=True, help_text="the time as the reporter said it")
    urgent = models.BooleanField(default=False, help_text="the reporter used urgent words (told to call 112)")
    partial = models.BooleanField(default=False, help_text="filed from an abandoned conversation")
    reporter_forgotten_at = models.DateTimeField(null=True, blank=True, help_text="vault mapping deleted")
    purged_at = models.DateTimeField(null=True, blank=True, help_text="free text and media deleted")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    officer = models.ForeignKey("people.Officer", on_delete=models.SET_NULL, null=True, blank=True, related_name="tips")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The first assignment and the first action-taken report (the audit log keeps every one); the handling
    # figures (analytics.performance) read these instead of searching millions of audit events.
    first_assigned_at = models.DateTimeField(null=True, blank=True)
    first_reported_at = models.DateTimeField(null=True, blank=True)
    questionnaire = models.CharField(max_length=32, blank=True)
    # Sensitivity class, from category and answers and (when the media pipeline has run) media signals.
    sensitivity = models.CharField(max_length=12, choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    # Why, as codes with values ([[code, {name: value}], ...], see tips.reasons), put into words when shown.
    sensitivity_reasons = models.JSONField(default=list, blank=True)
    media_classified = models.BooleanField(default=False, help_text="every media item has been through the classifiers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["district", "created_at"])]
        constraints = [
            # A pin has both coordinates or none (the hotspot query relies on it: analytics.hotspots._placed).
            models.CheckConstraint(
                condition=Q(location_lat__isnull=True, location_lon__isnull=True)
                | Q(location_lat__isnull=False, location_lon__isnull=False),
                name="tip_pin_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ActionReport(models.Model):
    """What an officer reports was done about a tip (text, and media attached to it), sent on WhatsApp."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="reports")
    officer = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"report on {self.tip_id} by {self.officer_id}"


class FollowUp(models.Model):
    """A question the office asked the reporter through the bot, and the reporter's answer. The office never
    learns who answered: the question goes out through the vault, the answer comes back by reference."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="follow_ups")
    question = models.TextField()
    asked_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return f"follow-up on {self.tip_id}"


class Addition(models.Model):
    """More information the reporter sent about a tip already filed (text; media link to the tip directly)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField(blank=True)
    media_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"addition to {self.tip_id}"
