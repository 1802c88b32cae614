"""Staff dashboard. Reads only through tips.access (permission-checked) and media.selectors."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from satark.abuse import actions as abuse
from satark.audit.actions import record
from satark.audit.models import AuditEvent
from satark.media.selectors import derivative_file, media_of, report_media
from satark.people.access import can_handle_cases, can_read_tips, profile_of
from satark.tips.access import get_tip_for, visible_tips
from satark.tips.lifecycle import TransitionRefused, allowed_actions, transition
from satark.tips.models import Tip

from .forms import AssignForm, CloseForm, ReasonForm, TransferForm


def _require_reader(request: HttpRequest) -> None:
    if not can_read_tips(request.user):
        raise PermissionDenied("This account cannot read tips.")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    profile = profile_of(request.user)
    if not can_read_tips(request.user):
        return render(request, "dashboard/no_access.html", {"profile": profile}, status=403)
    tips = visible_tips(request.user)
    page = Paginator(tips, 50).get_page(request.GET.get("page"))
    return render(request, "dashboard/tip_list.html", {"page": page, "profile": profile, "total": tips.count()})


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


def _tip_page(request: HttpRequest, tip: Tip, forms: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    answers = [
        (k.replace("_", " "), v)
        for k, v in tip.answers.items()
        if k not in HIDDEN_ANSWERS and not k.startswith(HIDDEN_PREFIXES)
    ]
    allowed = [a for a in allowed_actions(tip.status) if a in ACTION_FORMS] if can_handle_cases(request.user) else []
    forms = forms or {}
    action_forms = {
        a: forms.get(a) or (ACTION_FORMS[a](tip=tip) if a in NEEDS_TIP else ACTION_FORMS[a]()) for a in allowed
    }
    reporter_blocked = abuse.is_blocked(tip.reporter_ref) if tip.reporter_ref.startswith("rp_") else False
    reports = list(tip.reports.select_related("officer").all())
    report_files = report_media(tip)
    timeline = AuditEvent.objects.filter(object_type="tip", object_id=tip.reference).exclude(
        action__in=("tip.viewed", "media.viewed")
    )
    return render(
        request,
        "dashboard/tip_detail.html",
        {
            "tip": tip,
            "media": media_of(tip),
            "answers": answers,
            "profile": profile_of(request.user),
            "action_forms": action_forms,
            "reports": [(r, report_files.get(r.pk, [])) for r in reports],
            "timeline": timeline,
            "can_block": can_handle_cases(request.user),
            "reporter_blocked": reporter_blocked,
            "block_form": ReasonForm(),
        },
        status=status,
    )


@login_required
def tip_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _require_reader(request)
    tip = get_tip_for(request.user, reference)
    record("tip.viewed", "tip", tip.reference, actor=request.user)
    return _tip_page(request, tip)


@login_required
@require_POST
def tip_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    _require_reader(request)
    if not can_handle_cases(request.user) or action not in (*ACTION_FORMS, *ABUSE_ACTIONS):
        raise PermissionDenied("This account cannot do that.")
    tip = get_tip_for(request.user, reference)
    if action in ABUSE_ACTIONS:
        return _abuse_action(request, tip, action)
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
    messages.success(request, f"{tip.reference}: {action.replace('_', ' ')} done.")
    if action == "transfer" and get_tip_for_or_none(request.user, tip.reference) is None:
        return redirect("dashboard-home")  # now another district's: this office no longer sees it
    return redirect("tip-detail", reference=tip.reference)


@login_required
def tip_media(request: HttpRequest, reference: str, asset_id: str) -> FileResponse:
    _require_reader(request)
    tip = get_tip_for(request.user, reference)
    path = derivative_file(tip, asset_id)
    if path is None or not path.exists():
        raise Http404("No such media")
    record("media.viewed", "tip", tip.reference, actor=request.user, details={"asset": asset_id})
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    is_image = content_type.startswith("image/")
    response = FileResponse(path.open("rb"), content_type=content_type, as_attachment=not is_image, filename=path.name)
    response["Cache-Control"] = "private, no-store"
    return response


def _abuse_action(request: HttpRequest, tip: Tip, action: str) -> HttpResponse:
    """Block or unblock whoever sent this tip, without anyone learning who that is: the reporter's
    reference is looked up here, server-side, and never leaves this function."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _tip_page(request, tip, status=400)
    reason = form.cleaned_data["reason"]
    if action == "block_reporter":
        abuse.block_reporter_of(tip.reference, tip.reporter_ref, by_user=request.user, reason=reason)
        messages.success(request, f"{tip.reference}: its sender is blocked (their number stays unknown).")
    else:
        abuse.unblock_reporter_of(tip.reference, tip.reporter_ref, by_user=request.user, reason=reason)
        messages.success(request, f"{tip.reference}: its sender is no longer blocked.")
    return redirect("tip-detail", reference=tip.reference)


def get_tip_for_or_none(user: Any, reference: str) -> Tip | None:
    return visible_tips(user).filter(reference=reference).first()
