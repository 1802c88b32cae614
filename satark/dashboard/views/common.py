"""Helpers shared by the dashboard views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from satark.people.access import can_read_tips


def require_reader(request: HttpRequest) -> None:
    if not can_read_tips(request.user):
        raise PermissionDenied(_("This account cannot read tips."))
