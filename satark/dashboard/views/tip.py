"""The tip page (facts, answers, media viewer, timeline) and the case actions on it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satark.abuse import actions as abuse
from satark.audit.actions import record
from satark.escalation.selectors import escalations_for_tip
from satark.escalation.selectors import next_step as next_escalation
from satark.media.selectors import media_of, report_media
from satark.people.access import can_handle_cases, can_reveal_restricted, profile_of
from satark.tips.access import get_tip_for, visible_tips
from satark.tips.deadlines import due_at, is_overdue
from satark.tips.followups import FollowUpRefused, ask
from satark.tips.lifecycle import TransitionRefused, allowed_actions, transition
from satark.tips.models import Tip

from .. import timeline
from ..forms import AskForm, AssignForm, CloseForm, ReasonForm, TransferForm
from ..labels import ACTION_BUTTONS
from .common import require_reader
from .media import revealed_assets

# Shown elsewhere on the page already (category, district, place, pin, time, police involvement).
HIDDEN_ANSWERS = ("description", "category", "district", "police_involved", "urgent")
HIDDEN_PREFIXES = ("location", "time")
ACTION_FORMS: dict[str, Any] = {
    "assign": AssignForm,
    "send_back": ReasonForm,
    "close": CloseForm,
    "reopen": ReasonForm,
    "transfer": TransferForm,
}
NEEDS_TIP = ("assign", "transfer")
ABUSE_ACTIONS = ("block_reporter", "unblock_reporter")
ASK = "ask_reporter"
CASE_ACTIONS = (*ACTION_FORMS, *ABUSE_ACTIONS, ASK)  # every POST action a case handler may take


def _tip_page(request: HttpRequest, tip: Tip, forms: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    labelled = (tip.answer_labels or {}).get(get_language() or "en") or (tip.answer_labels or {}).get("en")
    if labelled:  # the questions as the reporter saw them, in the user's language
        answers = [(label, value) for key, label, value in labelled if key not in HIDDEN_ANSWERS]
    else:  # tips filed before labels were kept, or generated data
        answers = [
            (k.replace("_", " "), v)
            for k, v in tip.answers.items()
            if k not in HIDDEN_ANSWERS and not k.startswith(HIDDEN_PREFIXES)
        ]
    handler = can_handle_cases(request.user)
    allowed = [a for a in allowed_actions(tip.status) if a in ACTION_FORMS] if handler else []
    forms = forms or {}
    action_forms = {
        a: forms.get(a) or (ACTION_FORMS[a](tip=tip) if a in NEEDS_TIP else ACTION_FORMS[a]()) for a in allowed
    }
    reporter_blocked = abuse.is_blocked(tip.reporter_ref) if tip.reporter_ref.startswith("rp_") else False
    reports = list(tip.reports.select_related("officer").all())
    report_files = report_media(tip)
    media = media_of(tip)
    revealed = revealed_assets(request)
    due = due_at(tip)
    return render(
        request,
        "dashboard/tip_detail.html",
        {
            "tip": tip,
            "media": media,
            "revealed": revealed,
            "can_reveal": can_reveal_restricted(request.user),
            "answers": answers,
            "profile": profile_of(request.user),
            "action_forms": action_forms,
            "action_buttons": ACTION_BUTTONS,
            "reports": [(r, report_files.get(r.pk, [])) for r in reports],
            "timeline": timeline.build(tip, media, reports),
            "can_block": handler,
            "reporter_blocked": reporter_blocked,
            "block_form": ReasonForm(),
            "ask_form": forms.get(ASK) or AskForm() if handler else None,
            "reporter_reachable": tip.reporter_forgotten_at is None and bool(tip.reporter_ref),
            "due_at": due,
            "escalations": list(escalations_for_tip(tip)),
            "next_escalation": next_escalation(tip),
            "overdue": is_overdue(tip, timezone.now()),
        },
        status=status,
    )


@login_required
def tip_detail(request: HttpRequest, reference: str) -> HttpResponse:
    require_reader(request)
    tip = get_tip_for(request.user, reference)
    record("tip.viewed", "tip", tip.reference, actor=request.user)
    return _tip_page(request, tip)


@login_required
@require_POST
def tip_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    require_reader(request)
    if not can_handle_cases(request.user) or action not in CASE_ACTIONS:
        raise PermissionDenied(_("This account cannot do that."))
    tip = get_tip_for(request.user, reference)
    if action in ABUSE_ACTIONS:
        return _abuse_action(request, tip, action)
    if action == ASK:
        return _ask_reporter(request, tip)
    form_class = ACTION_FORMS[action]
    form = form_class(request.POST, tip=tip) if action in NEEDS_TIP else form_class(request.POST)
    if not form.is_valid():
        return _tip_page(request, tip, {action: form}, status=400)
    data = form.cleaned_data
    try:
        transition(
            tip,
            action,
            actor=request.user,
            reason=data.get("reason", "") or ("assigned" if action == "assign" else ""),
            outcome=data.get("outcome", ""),
            officer=data.get("officer"),
            district=data.get("district"),
        )
    except TransitionRefused as exc:
        form.add_error(None, str(exc))
        return _tip_page(request, tip, {action: form}, status=409)
    messages.success(
        request,
        _("%(reference)s: %(action)s done.")
        % {"reference": tip.reference, "action": ACTION_BUTTONS.get(action, action)},
    )
    if action == "transfer" and get_tip_for_or_none(request.user, tip.reference) is None:
        return redirect("dashboard-home")  # now another district's: this office no longer sees it
    return redirect("tip-detail", reference=tip.reference)


def _ask_reporter(request: HttpRequest, tip: Tip) -> HttpResponse:
    form = AskForm(request.POST)
    if not form.is_valid():
        return _tip_page(request, tip, {ASK: form}, status=400)
    try:
        ask(tip, form.cleaned_data["question"], actor=request.user)
    except FollowUpRefused as exc:
        form.add_error(None, str(exc))
        return _tip_page(request, tip, {ASK: form}, status=409)
    messages.success(
        request, _("%(reference)s: the question is on its way to the reporter.") % {"reference": tip.reference}
    )
    return redirect("tip-detail", reference=tip.reference)


def _abuse_action(request: HttpRequest, tip: Tip, action: str) -> HttpResponse:
    """Block or unblock whoever sent this tip, without anyone learning who that is: the reporter's
    reference is looked up here, server-side, and never leaves this function."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _tip_page(request, tip, status=400)
    reason = form.cleaned_data["reason"]
    if action == "block_reporter":
        abuse.block_reporter_of(tip.reference, tip.reporter_ref, by_user=request.user, reason=reason)
        messages.success(
            request,
            _("%(reference)s: its sender is blocked (their number stays unknown).") % {"reference": tip.reference},
        )
    else:
        abuse.unblock_reporter_of(tip.reference, tip.reporter_ref, by_user=request.user, reason=reason)
        messages.success(request, _("%(reference)s: its sender is no longer blocked.") % {"reference": tip.reference})
    return redirect("tip-detail", reference=tip.reference)


def get_tip_for_or_none(user: Any, reference: str) -> Tip | None:
    return visible_tips(user).filter(reference=reference).first()
