"""Case action forms. Choices are limited to what the acting user may pick."""

from __future__ import annotations

from typing import Any

from django import forms

from satark.geography.models import District
from satark.people.models import Officer
from satark.tips.models import Tip


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=Officer.objects.none(), label="Officer · अधिकारी")
    reason = forms.CharField(required=False, max_length=500, label="Note · टिप्पणी")

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
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}), label="Reason · कारण")


class CloseForm(ReasonForm):
    outcome = forms.ChoiceField(choices=Tip.Outcome.choices, label="Outcome · परिणाम")


class TransferForm(ReasonForm):
    district = forms.ModelChoiceField(queryset=District.objects.none(), label="To district · जनपद")

    def __init__(self, *args: Any, tip: Tip, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = District.objects.all() if tip.district_id is None else District.objects.exclude(pk=tip.district_id)
        self.fields["district"].queryset = others  # type: ignore[attr-defined]
