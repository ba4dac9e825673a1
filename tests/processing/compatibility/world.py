"""The minimal register, then a version adding a loyalty programme on the customers' name and email."""

from typing import Any

from tests.registers import label, lia, minimal


def assessment(**overrides: Any) -> dict[str, Any]:
    return {
        "original_purposes": ["customer_service"],
        "link": "Customers who buy from us are offered a loyalty card for the same shop.",
        "context": "Existing customers expect to hear from the shop they buy from.",
        "nature": "Name and email only; no Art. 9 or 10 data.",
        "consequences": "An occasional letter about points; no profiling, no decision.",
        "safeguards": "Opt-out in each message; data stay encrypted per person.",
        "outcome": "compatible",
        "assessor": "DPO",
        "assessed_on": "2026-05-01",
        **overrides,
    }


def with_loyalty(compatibility: dict[str, Any] | None = None, **activity: Any) -> dict[str, Any]:
    document = minimal()
    loyalty = {
        **document["activities"][0],
        "key": "loyalty",
        "name": label("Loyalty card"),
        "purpose": label("Running our loyalty programme"),
        "legal_basis": "legitimate_interests",
        "legitimate_interest": lia(),
        **activity,
    }
    loyalty.pop("requirement", None)
    if compatibility is not None:
        loyalty["compatibility"] = compatibility
    document["activities"].append(loyalty)
    return document
