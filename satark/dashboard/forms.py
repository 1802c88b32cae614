"""Dashboard forms: the inbox filters and the case actions. Choices are limited to what the acting user
may pick."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satark.geography.models import District, PoliceStation
from satark.people.access import tip_scope
from satark.people.models import Officer
from satark.tips.models import Category, Sensitivity, Tip

from .labels import OUTCOME_LABELS, SENSITIVITY_LABELS, STATUS_LABELS


class LocalizedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Shows a reference-data object by its name in the active language."""

    def label_from_instance(self, obj: Any) -> str:
        from django.utils.translation import get_language

        label = getattr(obj, "label", None)
        return label(get_language() or "en") if callable(label) else str(obj)


class InboxFilterForm(forms.Form):
    SORTS = (("priority", _("Priority")), ("newest", _("Newest first")), ("oldest", _("Oldest first")))

    q = forms.CharField(required=False, max_length=100, label=_("Reference or words"))
    district = LocalizedChoiceField(queryset=District.objects.none(), required=False, label=_("District"))
    station = LocalizedChoiceField(queryset=PoliceStation.objects.none(), required=False, label=_("Police station"))
    category = LocalizedChoiceField(queryset=Category.objects.none(), required=False, label=_("Category"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    sensitivity = forms.ChoiceField(required=False, label=_("Sensitivity"))
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))
    sort = forms.ChoiceField(required=False, choices=SORTS, label=_("Sort"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = tip_scope(user)
        districts = District.objects.all()
        stations = PoliceStation.objects.select_related("district")
        if not scope.all_districts:
            districts = districts.filter(pk__in=scope.districts) | districts.filter(circles__in=scope.circles)
            districts = districts | District.objects.filter(stations__in=scope.stations)
            stations = (
                stations.filter(district_id__in=scope.districts)
                | stations.filter(circle_id__in=scope.circles)
                | stations.filter(pk__in=scope.stations)
            )
        self.fields["district"].queryset = districts.distinct()  # type: ignore[attr-defined]
        self.fields["station"].queryset = stations.distinct().order_by("district__order", "code")  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.all()  # type: ignore[attr-defined]
        empty = [("", _("any"))]
        self.fields["status"].choices = empty + list(STATUS_LABELS.items())  # type: ignore[attr-defined]
        self.fields["sensitivity"].choices = empty + [  # type: ignore[attr-defined]
            (value, SENSITIVITY_LABELS[value]) for value in Sensitivity.values
        ]
        self.single_district = self.fields["district"].queryset.count() <= 1  # type: ignore[attr-defined]

    def clean_q(self) -> str:
        return " ".join(str(self.cleaned_data.get("q") or "").split())


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=Officer.objects.none(), label=_("Officer"))
    reason = forms.CharField(required=False, max_length=500, label=_("Note"))

    def __init__(self, *args: Any, tip: Tip, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = Officer.objects.filter(active=True).select_related("station")
        if tip.district_id:
            officers = officers.filter(district_id=tip.district_id)
        if tip.police_involved and tip.station_id:
            # Conflict of interest: never the implicated station's own officers.
            officers = officers.exclude(station_id=tip.station_id)
        self.fields["officer"].queryset = officers  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))


class CloseForm(ReasonForm):
    outcome = forms.ChoiceField(choices=list(OUTCOME_LABELS.items()), label=_("Outcome"))


class TransferForm(ReasonForm):
    district = LocalizedChoiceField(queryset=District.objects.none(), label=_("To district"))

    def __init__(self, *args: Any, tip: Tip, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = District.objects.all() if tip.district_id is None else District.objects.exclude(pk=tip.district_id)
        self.fields["district"].queryset = others  # type: ignore[attr-defined]


class AskForm(forms.Form):
    question = forms.CharField(
        max_length=900,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Question"),
        help_text=_("The reporter gets it on WhatsApp without learning who you are, and you never learn who they are."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=(("en", "English"), ("hi", "हिंदी")))
    next = forms.CharField(required=False, max_length=500)
