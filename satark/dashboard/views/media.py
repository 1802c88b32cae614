"""Media viewer: sanitised derivatives only; restricted media blurred on the server until a permitted user
reveals it (audited; remembered for the session)."""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satark.audit.actions import record
from satark.media.models import MediaAsset
from satark.people.access import can_reveal_restricted
from satark.tips.access import get_tip_for
from satark.tips.models import Tip

from .common import require_reader

REVEALED = "satark_revealed_media"
BLUR_SIZE = (360, 360)
BLUR_RADIUS = 18


def revealed_assets(request: HttpRequest) -> set[str]:
    return set(request.session.get(REVEALED, []))


def _asset(tip: Tip, asset_id: str) -> MediaAsset:
    asset = (
        MediaAsset.objects.filter(pk=asset_id, state=MediaAsset.State.READY)
        .filter(Q(tip=tip) | Q(report__tip=tip))
        .first()
    )
    if asset is None or not asset.derivative_path:
        raise Http404("No such media")
    return asset


def _file(relative: str) -> Path:
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) or not path.exists():
        raise Http404("No such media")
    return path


@login_required
def tip_media(request: HttpRequest, reference: str, asset_id: str) -> FileResponse:
    require_reader(request)
    tip = get_tip_for(request.user, reference)
    asset = _asset(tip, str(asset_id))
    if asset.restricted and str(asset.id) not in revealed_assets(request):
        raise PermissionDenied(_("Restricted media: reveal it on the tip page first."))
    # Audio and video: the browser-playable copy when the pipeline made one.
    playable = asset.kind in ("audio", "video") and asset.playable_path
    path = _file(asset.playable_path if playable else asset.derivative_path)
    record("media.viewed", "tip", tip.reference, actor=request.user, details={"asset": str(asset.id)})
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    inline = content_type.startswith(("image/", "audio/", "video/"))
    response = FileResponse(path.open("rb"), content_type=content_type, as_attachment=not inline, filename=path.name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def tip_media_blurred(request: HttpRequest, reference: str, asset_id: str) -> HttpResponse:
    """A small, heavily blurred JPEG of a restricted photo (or of a video's thumbnail): enough to know
    something is there, not what. Made here, so the sharp picture never reaches the browser unrevealed."""
    from PIL import Image, ImageFilter

    require_reader(request)
    tip = get_tip_for(request.user, reference)
    asset = _asset(tip, str(asset_id))
    source = asset.derivative_path if asset.kind in ("image", "sticker") else asset.thumbnail_path
    if not source:
        raise Http404("Nothing to show")
    try:
        with Image.open(_file(source)) as opened:
            image = opened.convert("RGB")
            image.thumbnail(BLUR_SIZE)
            blurred = image.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
            out = io.BytesIO()
            blurred.save(out, "JPEG", quality=60)
    except OSError as exc:
        raise Http404("Not an image") from exc
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def reveal_media(request: HttpRequest, reference: str, asset_id: str) -> HttpResponse:
    require_reader(request)
    tip = get_tip_for(request.user, reference)
    if not can_reveal_restricted(request.user):
        raise PermissionDenied(_("This account cannot reveal restricted media."))
    asset = _asset(tip, str(asset_id))
    revealed = revealed_assets(request)
    if str(asset.id) not in revealed:
        record(
            "media.revealed",
            "tip",
            tip.reference,
            actor=request.user,
            details={"asset": str(asset.id), "kind": asset.kind, "classifier": asset.classifier or "unclassified"},
        )
        request.session[REVEALED] = sorted(revealed | {str(asset.id)})
    return redirect(reverse("tip-detail", args=[tip.reference]) + f"#media-{asset.id}")
