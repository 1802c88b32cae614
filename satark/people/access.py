"""Permission predicates on staff. Everything that decides 'who may see what' starts here.

Roles (people.models.Role): the DIG office reads every district; an SP office its own district; where
settings.SATARK_UNIT_ROLES_ENABLED is on, a circle office its own circle's stations and station staff their
own station — minus conflict-of-interest tips (police personnel said to be involved, naming that very
station); the admin role configures reference data and reads no tip. Case actions (assign, close, ask the
reporter, block) belong to the DIG and SP offices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .models import Role, StaffProfile


def profile_of(user: Any) -> StaffProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        profile: StaffProfile = user.staff
    except StaffProfile.DoesNotExist:
        return None
    return profile


@dataclass(frozen=True)
class TipScope:
    """Which tips a user may read. all_districts: everything (including tips with no district yet);
    otherwise the union of districts / circles / stations, minus police-involved tips naming
    exclude_involved_station."""

    all_districts: bool = False
    districts: tuple[int, ...] = ()
    circles: tuple[int, ...] = ()
    stations: tuple[int, ...] = ()
    exclude_involved_station: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.all_districts or self.districts or self.circles or self.stations)


NOTHING = TipScope()


def unit_roles_enabled() -> bool:
    return bool(getattr(settings, "SATARK_UNIT_ROLES_ENABLED", False))


def tip_scope(user: Any) -> TipScope:
    profile = profile_of(user)
    if profile is None:
        return NOTHING
    if profile.role == Role.DIG_OFFICE:
        return TipScope(all_districts=True)
    if profile.role == Role.SP_OFFICE and profile.district_id is not None:
        return TipScope(districts=(profile.district_id,))
    if not unit_roles_enabled():
        return NOTHING
    if profile.role == Role.CIRCLE_OFFICE and profile.circle_id is not None:
        return TipScope(circles=(profile.circle_id,))
    if profile.role == Role.STATION_STAFF and profile.station_id is not None:
        return TipScope(stations=(profile.station_id,), exclude_involved_station=profile.station_id)
    return NOTHING


def can_read_tips(user: Any) -> bool:
    return not tip_scope(user).empty


def district_scope(user: Any) -> list[int] | None:
    """None = all districts; a list = only these districts; [] = no whole district (circle and station
    accounts read part of one district: use tips.access.visible_tips for their tips)."""
    scope = tip_scope(user)
    if scope.all_districts:
        return None
    return list(scope.districts)


def can_handle_cases(user: Any) -> bool:
    """Assign, send back, close, reopen, transfer, ask the reporter, block a sender: the SP office of the
    tip's district and the DIG office (tips.access.get_tip_for already limits which tips a user can reach)."""
    profile = profile_of(user)
    return profile is not None and profile.role in (Role.DIG_OFFICE, Role.SP_OFFICE) and can_read_tips(user)


def can_reveal_restricted(user: Any) -> bool:
    """May un-blur media the classifiers marked restricted (each reveal is audited)."""
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role in getattr(settings, "SATARK_REVEAL_RESTRICTED_ROLES", ())
        and can_read_tips(user)
    )


def second_factor_required(user: Any) -> bool:
    """TOTP is compulsory for the roles in settings.SATARK_2FA_REQUIRED_ROLES and for every account that can
    reach the admin site."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    profile = profile_of(user)
    return profile is not None and profile.role in getattr(settings, "SATARK_2FA_REQUIRED_ROLES", ())
