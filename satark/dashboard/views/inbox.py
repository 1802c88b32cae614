"""The inbox: filters, search (reference, description, additions, transcripts), priority sort."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from satark.escalation.selectors import levels as escalation_levels
from satark.people.access import can_read_tips, profile_of
from satark.tips.access import visible_tips
from satark.tips.deadlines import overdue_filter
from satark.tips.models import Tip

from ..forms import InboxFilterForm
from ..labels import ESCALATION_LABELS

PAGE_SIZE = 50
SENSITIVITY_RANK = {"critical": 0, "high": 1, "restricted": 2, "normal": 3}


def filtered_tips(request: HttpRequest, form: InboxFilterForm) -> QuerySet[Tip]:
    """The user's visible tips, narrowed by the form, annotated with is_overdue, sorted."""
    now = timezone.now()
    base = visible_tips(request.user)
    tips = base
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        # A reference, or words from the description, the reporter's additions or a voice note's
        # automatic transcript (what an operator half-remembers hearing).
        q = data["q"]
        matching = Tip.objects.filter(
            Q(reference__icontains=q)
            | Q(description__icontains=q)
            | Q(additions__text__icontains=q)
            | Q(media__transcript__icontains=q)
        )
        tips = tips.filter(pk__in=matching.values("pk"))
    for key in ("district", "station", "category"):
        if data.get(key) is not None:
            tips = tips.filter(**{key: data[key]})
    for key in ("status", "sensitivity"):
        if data.get(key):
            tips = tips.filter(**{key: data[key]})
    if data.get("date_from"):
        tips = tips.filter(created_at__date__gte=data["date_from"])
    if data.get("date_to"):
        tips = tips.filter(created_at__date__lte=data["date_to"])
    overdue_ids = overdue_filter(Tip.objects.filter(pk__in=tips.values("pk")), now).values("pk")
    if data.get("overdue"):
        tips = tips.filter(pk__in=overdue_ids)
    tips = tips.annotate(
        is_overdue=Case(When(pk__in=overdue_ids, then=Value(1)), default=Value(0), output_field=IntegerField()),
        sensitivity_rank=Case(
            *(When(sensitivity=k, then=Value(v)) for k, v in SENSITIVITY_RANK.items()),
            default=Value(9),
            output_field=IntegerField(),
        ),
        closed_rank=Case(When(status=Tip.Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()),
    )
    sort = data.get("sort") or "priority"
    if sort == "newest":
        return tips.order_by("-created_at", "-pk")
    if sort == "oldest":
        return tips.order_by("created_at", "pk")
    # Priority: open before closed, then sensitivity, urgent words, overdue, and the oldest first.
    return tips.order_by("closed_rank", "sensitivity_rank", "-urgent", "-is_overdue", "created_at", "pk")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    profile = profile_of(request.user)
    if not can_read_tips(request.user):
        return render(request, "dashboard/no_access.html", {"profile": profile}, status=403)
    form = InboxFilterForm(request.GET or None, user=request.user)
    tips = filtered_tips(request, form).prefetch_related("media")
    page = Paginator(tips, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    reached = escalation_levels(page.object_list)  # one query: the highest step of each current deadline
    for tip in page.object_list:
        tip.escalation_label = ESCALATION_LABELS.get(reached.get(tip.pk, ""), "")  # type: ignore[attr-defined]
    return render(
        request,
        "dashboard/tip_list.html",
        {
            "page": page,
            "profile": profile,
            "total": page.paginator.count,
            "form": form,
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        },
    )
