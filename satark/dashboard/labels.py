"""Translated labels for values the models store."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from satark.tips.models import Sensitivity, Tip

# The models' own translated choice labels: one source for the inbox, the forms and the exports.
STATUS_LABELS = dict(Tip.Status.choices)
OUTCOME_LABELS = dict(Tip.Outcome.choices)
SENSITIVITY_LABELS = dict(Sensitivity.choices)
ROLE_LABELS = {
    "dig_office": _("DIG office"),
    "sp_office": _("SP office"),
    "circle_office": _("Circle office"),
    "station_staff": _("Police station"),
    "admin": _("Administrator"),
}
ACTION_TITLES = {
    "assign": _("Assign to an officer"),
    "send_back": _("Send the report back"),
    "close": _("Close"),
    "reopen": _("Reopen"),
    "transfer": _("Transfer to another district"),
}
ACTION_BUTTONS = {
    "assign": _("Assign"),
    "send_back": _("Send back"),
    "close": _("Close"),
    "reopen": _("Reopen"),
    "transfer": _("Transfer"),
}
# Audit actions as they appear in a tip's timeline.
EVENT_LABELS = {
    "tip.submitted": _("Tip received"),
    "tip.addition": _("The reporter added information"),
    "tip.purged": _("Free text and media deleted (retention)"),
    "reporter.forgotten": _("The link to the reporter was deleted (retention)"),
    "tip.assign": _("Assigned"),
    "tip.accept": _("Accepted by the officer"),
    "tip.decline": _("Declined by the officer (not my area)"),
    "tip.report": _("Action reported"),
    "tip.send_back": _("Report sent back"),
    "tip.close": _("Closed"),
    "tip.reopen": _("Reopened"),
    "tip.transfer": _("Transferred"),
    "media.revealed": _("Restricted media revealed"),
    "abuse.block": _("Sender blocked"),
    "abuse.unblock": _("Sender unblocked"),
    "tip.escalated.reminder": _("Overdue: the officer was reminded"),
    "tip.escalated.sp_office": _("Overdue: escalated to the SP office"),
    "tip.escalated.dig_office": _("Overdue: escalated to the DIG office"),
}
ESCALATION_LABELS = {
    "reminder": _("officer reminded"),
    "sp_office": _("escalated to SP office"),
    "dig_office": _("escalated to DIG office"),
}
KIND_LABELS = {
    "image": _("Photo"),
    "video": _("Video"),
    "audio": _("Voice note"),
    "document": _("Document"),
    "sticker": _("Sticker"),
}
