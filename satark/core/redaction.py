"""Redaction of identifiers from any text that may leave the vault: log lines, errors, stored payloads."""

from __future__ import annotations

import logging
import re

# A run of 10+ digits, allowing +, spaces, dots and dashes between them (phone numbers in any spelling),
# and business-scoped user ids like "IN.1234ABCD..." / "US.xxxx".
_PHONE = re.compile(r"(?<![\w.])\+?\d(?:[\s\-.()]*\d){9,}(?![\w])")
_BSUID = re.compile(r"\b[A-Z]{2}\.[A-Za-z0-9]{8,}\b")


def redact(text: str) -> str:
    text = _PHONE.sub("[redacted-number]", text)
    return _BSUID.sub("[redacted-id]", text)


class RedactingFilter(logging.Filter):
    """Attach to every handler: rewrites the rendered message so no identifier reaches a log sink."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not crash the app nor leak its args
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            import traceback

            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = redact(text)
            record.exc_info = None
        return True
