"""Counts and lists of tips by sensitivity class (``Tip.sensitivity``: from category and answers now, and
from the media classifiers when they have run)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satark.core.names import in_language as label
from satark.tips.models import Sensitivity, Tip
from satark.tips.reasons import describe

from .comparison import districts_for, lang_of
from .scope import Filters, Period, tips_for
from .table import Table, num, text

ORDER = [Sensitivity.CRITICAL, Sensitivity.HIGH, Sensitivity.RESTRICTED, Sensitivity.NORMAL]
LIST_LIMIT = 500


def sensitivity_label(value: str) -> str:
    """The class's name in the active language (the model's translated choice label)."""
    return str(dict(Sensitivity.choices).get(value, value))


@dataclass
class SensitivityCounts:
    period: Period
    by_class: dict[str, int]
    by_district: list[tuple[str, dict[str, int]]]

    def table(self) -> Table:
        t = Table("sensitivity", _("Tips by sensitivity"),
                  [_("District"), *(sensitivity_label(s) for s in ORDER), _("Total")])
        for name, counts in self.by_district:
            t.rows.append([text(name), *(num(counts.get(s, 0)) for s in ORDER), num(sum(counts.values()))])
        t.footer.append([text(_("Total")), *(num(self.by_class.get(s, 0)) for s in ORDER),
                         num(sum(self.by_class.values()))])
        return t


def sensitivity_counts(user: Any, filters: Filters, period: Period, language: str | None = None) -> SensitivityCounts:
    lang = lang_of(language)
    rows = tips_for(user, filters, period).order_by().values_list("district_id", "sensitivity").annotate(n=Count("id"))
    per: dict[int | None, dict[str, int]] = {}
    total: dict[str, int] = {}
    for d, s, n in rows:
        per.setdefault(d, {})[s] = per.get(d, {}).get(s, 0) + n
        total[s] = total.get(s, 0) + n
    by_district = [(dist.label(lang), per.get(dist.pk, {})) for dist in districts_for(user, filters)]
    if None in per:
        by_district.append((_("Not yet routed"), per[None]))
    return SensitivityCounts(period, total, by_district)


def tip_list(user: Any, filters: Filters, period: Period) -> QuerySet[Tip]:
    return tips_for(user, filters, period).order_by("-created_at")


def tip_table(user: Any, filters: Filters, period: Period, *, language: str | None = None,
              limit: int = LIST_LIMIT, title: str | None = None) -> Table:
    """A filtered list of tips. Structured fields only: no reporter reference, no free text (description,
    place as typed, answers) — an export must not be able to carry what a reporter typed about themselves."""
    lang = lang_of(language)
    t = Table("tips", title or _("Tips"), [
        _("Reference"), _("Received"), _("District"), _("Police station"), _("Category"), _("Status"),
        _("Outcome"), _("Sensitivity"), _("Reason"), _("Urgent"), _("Police involved"),
    ])
    tz = timezone.get_current_timezone()
    for tip in tip_list(user, filters, period)[:limit]:
        t.rows.append([
            text(tip.reference, href=reverse("tip-detail", args=[tip.reference])),
            text(f"{timezone.localtime(tip.created_at, tz):%Y-%m-%d %H:%M}"),
            text(tip.district.label(lang) if tip.district else ""),
            text(tip.station.label(lang) if tip.station else ""),
            text(label(tip.category.title, lang, tip.category.code)),
            text(tip.get_status_display()),
            text(tip.get_outcome_display() if tip.outcome else ""),
            text(sensitivity_label(tip.sensitivity)),
            text(describe(tip.sensitivity_reasons)),
            text(_("yes") if tip.urgent else ""),
            text(_("yes") if tip.police_involved else ""),
        ])
    return t
