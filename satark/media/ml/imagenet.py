"""ImageNet-1k class names (data/imagenet_classes.txt, one per line in class-index order, written for this
project) and the groups of classes that make up the signals."""

from __future__ import annotations

from functools import cache
from pathlib import Path

# signal -> {class index: what an operator reads}
GROUPS: dict[str, dict[int, str]] = {
    "weapon": {
        763: "revolver",
        764: "rifle",
        413: "assault rifle",
        597: "holster",
        465: "bulletproof vest",
        499: "cleaver",
        596: "hatchet",
    },
    "vehicle": {
        867: "semi-trailer truck",
        717: "pickup truck",
        675: "moving van",
        569: "garbage truck",
        864: "tow truck",
        555: "fire engine",
        734: "police van",
        866: "tractor",
        595: "harvester",
        656: "minivan",
        654: "minibus",
        609: "jeep",
    },
    "cattle": {345: "ox", 346: "water buffalo", 347: "bison", 690: "bullock cart"},
}


@cache
def names() -> tuple[str, ...]:
    lines = (Path(__file__).parent / "data" / "imagenet_classes.txt").read_text().splitlines()
    if len(lines) != 1000:
        raise ValueError(f"imagenet_classes.txt has {len(lines)} names, expected 1000")
    return tuple(lines)
