"""Load the tip categories of a region from its categories.json."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from satark.geography.loading import ReferenceDataError, read_json

from .models import Category

LIMITS = {"title": 20, "description": 72}  # 20: a list row "10. <title>" must fit 24


@transaction.atomic
def load_categories(folder: Path) -> int:
    config = read_json(folder / "range.json")
    data = read_json(folder / config["files"]["categories"])
    seen = []
    for item in data["categories"]:
        for field, limit in LIMITS.items():
            for lang, text in item[field].items():
                if len(text) > limit:
                    raise ReferenceDataError(
                        f"category {item['code']}: {field}[{lang}] is {len(text)} characters (max {limit})"
                    )
        Category.objects.update_or_create(
            code=item["code"],
            defaults={
                "order": item.get("order", 0),
                "title": item["title"],
                "description": item["description"],
                "synonyms": item.get("synonyms", []),
                "serious_crime": bool(item.get("serious_crime", False)),
                "active": True,
            },
        )
        seen.append(item["code"])
    Category.objects.exclude(code__in=seen).update(active=False)
    return len(seen)
