"""Staff dashboard views. Tips are read only through tips.access (permission-checked)."""

from .inbox import home
from .language import set_language
from .media import reveal_media, tip_media, tip_media_blurred
from .tip import get_tip_for_or_none, tip_action, tip_detail

__all__ = [
    "get_tip_for_or_none",
    "home",
    "reveal_media",
    "set_language",
    "tip_action",
    "tip_detail",
    "tip_media",
    "tip_media_blurred",
]
