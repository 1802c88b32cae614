"""Staff dashboard. Reads only through tips.access (permission-checked) and media.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from satark.audit.actions import record
from satark.media.selectors import derivative_file, media_of
from satark.people.access import can_read_tips, profile_of
from satark.tips.access import get_tip_for, visible_tips


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


@login_required
def tip_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _require_reader(request)
    tip = get_tip_for(request.user, reference)
    record("tip.viewed", "tip", tip.reference, actor=request.user)
    answers = [(k, v) for k, v in tip.answers.items() if k not in ("description", "category", "district")]
    return render(
        request,
        "dashboard/tip_detail.html",
        {"tip": tip, "media": media_of(tip), "answers": answers, "profile": profile_of(request.user)},
    )


@login_required
def tip_media(request: HttpRequest, reference: str, asset_id: str) -> FileResponse:
    _require_reader(request)
    tip = get_tip_for(request.user, reference)
    path = derivative_file(tip, asset_id)
    if path is None or not path.exists():
        raise Http404("No such media")
    record("media.viewed", "tip", tip.reference, actor=request.user, details={"asset": asset_id})
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
