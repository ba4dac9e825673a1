"""The Qualifio example register with two client controllers: Acme (its webhook a real HTTP server on
loopback, 24 hours) and Beta (no webhook, 36 hours), and people of each client's space and of our own."""

import copy
import uuid
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session

from tests.conftest import Receiver
from tests.factories import make_register
from tests.registers import example

ACME, BETA = "acme_brands", "beta_foods"


def qualifio(webhook: str | None) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(example("qualifio"))
    acme = next(c for c in document["clients"] if c["key"] == ACME)
    acme["webhook"] = webhook
    beta = copy.deepcopy(acme)
    beta.update(key=BETA, name="Beta Foods NV", contact_email="dpo@beta-foods.example.test", webhook=None)
    beta["dpa"].update(reference="DPA-BETA-2026-02", breach_notice="PT36H")
    document["clients"].append(beta)
    return document


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    return make_register(db, qualifio(receiver.url)).organisation_id
