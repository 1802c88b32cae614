"""Permission predicates on staff. Everything that decides 'who may see what' starts here."""

from __future__ import annotations

from typing import Any

from .models import Role, StaffProfile


def profile_of(user: Any) -> StaffProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        profile: StaffProfile = user.staff
    except StaffProfile.DoesNotExist:
        return None
    return profile


def can_read_tips(user: Any) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role in (Role.DIG_OFFICE, Role.SP_OFFICE)


def district_scope(user: Any) -> list[int] | None:
    """None = all districts; a list = only these districts; [] = nothing."""
    profile = profile_of(user)
    if profile is None:
        return []
    if profile.role == Role.DIG_OFFICE:
        return None
    if profile.role == Role.SP_OFFICE and profile.district_id is not None:
        return [profile.district_id]
    return []


def can_handle_cases(user: Any) -> bool:
    """Assign, send back, close and reopen: the SP office of the tip's district and the DIG office
    (tips.access.get_tip_for already limits which tips a user can reach)."""
    return can_read_tips(user)
