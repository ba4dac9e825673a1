"""The fideslang vocabulary (data categories, data uses, data subjects), shipped as a data file."""

import json
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent.parent / "data" / "fideslang.json"

# Art. 9(1) and Art. 10 data, as fideslang names them.
SPECIAL_PREFIXES = (
    "user.biometric",
    "user.health_and_medical",
    "user.criminal_history",
    "user.authorization.biometric",
    "user.demographic.political_opinion",
    "user.demographic.race_ethnicity",
    "user.demographic.religious_belief",
    "user.demographic.sexual_orientation",
)


@lru_cache(maxsize=1)
def _load() -> dict[str, frozenset[str]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {
        name: frozenset(row["key"] for row in data[name])
        for name in ("data_categories", "data_uses", "data_subjects")
    }


def data_categories() -> frozenset[str]:
    return _load()["data_categories"]


def data_uses() -> frozenset[str]:
    return _load()["data_uses"]


def data_subjects() -> frozenset[str]:
    return _load()["data_subjects"]


def is_special(key: str) -> bool:
    return any(key == prefix or key.startswith(prefix + ".") for prefix in SPECIAL_PREFIXES)
