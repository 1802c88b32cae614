"""Duty numbers in the admin. The number is write-only: it goes to the vault on save and is never shown
(the list says only whether one is set), like officers' numbers in people.admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from satark.audit.actions import record
from satark.people.roster import normalise_mobile
from satark.vault.api import reference_for

from .duty import DutyNumberError, office_id, set_duty_number
from .models import DutyNumber


class DutyNumberForm(forms.ModelForm):  # type: ignore[type-arg]
    number = forms.CharField(
        required=False,
        label="WhatsApp duty number",
        help_text="10-digit mobile number. Stored encrypted in the vault and never shown again; "
        "leave empty to keep the current one.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = DutyNumber
        fields = ("district", "range", "language", "active")

    def clean_number(self) -> str:
        text = str(self.cleaned_data.get("number") or "").strip()
        if not text:
            if self.instance.pk is None:
                raise forms.ValidationError("A new duty number needs the number.")
            return ""
        phone = normalise_mobile(text)
        if phone is None:
            raise forms.ValidationError("Not a 10-digit Indian mobile number.")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("district")) == bool(data.get("range")):
            raise forms.ValidationError("Choose either a district (its SP office) or a range (the DIG office).")
        return data


class SetNumberForm(forms.Form):
    number = forms.CharField(label="New WhatsApp duty number", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    language = forms.ChoiceField(choices=[("hi", "हिंदी"), ("en", "English")])


@admin.register(DutyNumber)
class DutyNumberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = DutyNumberForm
    list_display = ("__str__", "language", "active", "number_set", "updated_at")
    list_filter = ("active", "language")
    actions = ["set_number"]

    @admin.display(boolean=True, description="number set")
    def number_set(self, obj: DutyNumber) -> bool:
        return bool(obj.contact_ref)

    def save_model(self, request: HttpRequest, obj: DutyNumber, form: Any, change: bool) -> None:
        phone = form.cleaned_data.get("number")
        if phone:
            obj.contact_ref = reference_for("whatsapp", phone)
        super().save_model(request, obj, form, change)
        record(
            "escalation.duty_number_set" if phone else "escalation.duty_number_edited",
            "office",
            office_id(obj.district or obj.range),  # type: ignore[arg-type]  # the form requires one of them
            actor=request.user,
            details={"language": obj.language, "active": obj.active},
        )

    @admin.action(description="Set a new WhatsApp duty number for the selected office")
    def set_number(self, request: HttpRequest, queryset: QuerySet[DutyNumber]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one office.", messages.WARNING)
            return None
        duty = queryset.get()
        form = SetNumberForm(request.POST if "apply" in request.POST else None, initial={"language": duty.language})
        if "apply" in request.POST and form.is_valid():
            office = duty.district or duty.range
            assert office is not None
            try:
                set_duty_number(
                    office, form.cleaned_data["number"], language=form.cleaned_data["language"], actor=request.user
                )
            except DutyNumberError as exc:
                form.add_error("number", str(exc))
            else:
                self.message_user(request, f"{duty}: duty number set.", messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Set the duty number of {duty}",
            "duty": duty,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/escalation/set_duty_number.html", context)
