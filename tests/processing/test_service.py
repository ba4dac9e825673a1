"""Applying a register: versions, diffs, audit, and nothing stored when it is invalid."""

import pytest
from sqlalchemy.orm import Session

from lawful import audit, processing
from lawful.actor import Actor
from tests.registers import as_yaml, label, minimal


def test_apply_stores_version_one_and_audits_it(db: Session, actor: Actor) -> None:
    version, created = processing.apply(db, actor, text=as_yaml(minimal()), source="git:abc123")

    entry = audit.latest(db, entity=version)
    assert (version.number, created, version.source) == (1, True, "git:abc123")
    assert entry is not None and (entry.action, entry.actor_label) == ("register.applied", "cli:test")


def test_a_second_apply_keeps_the_diff(db: Session, actor: Actor) -> None:
    processing.apply(db, actor, text=as_yaml(minimal()), source="v1")
    changed = minimal()
    changed["recipients"].append(
        {
            "key": "mailer",
            "name": "Mailer BV",
            "label": label("Mailing"),
            "type": "processor",
            "countries": ["NL"],
            "dpa_ref": "DPA-2",
        }
    )

    version, _ = processing.apply(db, actor, text=as_yaml(changed), source="v2")

    assert version.number == 2
    assert [(c["op"], c["path"]) for c in version.changes] == [("added", "recipients[mailer]")]


def test_applying_the_same_register_again_stores_nothing(db: Session, actor: Actor) -> None:
    first, _ = processing.apply(db, actor, text=as_yaml(minimal()), source="v1")
    before = audit.count(db)

    again, created = processing.apply(db, actor, text=as_yaml(minimal()), source="v1 again")

    assert (again.id, created, audit.count(db)) == (first.id, False, before)


def test_an_invalid_register_stores_nothing_and_says_why(db: Session, actor: Actor) -> None:
    document = minimal()
    document["activities"][0]["legal_basis"] = ["consent", "contract"]
    before = audit.count(db)

    with pytest.raises(processing.RegisterInvalid) as raised:
        processing.apply(db, actor, text=as_yaml(document), source="bad")

    assert raised.value.problems[0]["path"] == "activities[0].legal_basis"
    assert processing.find_organisation(db, slug="acme") is None
    assert audit.count(db) == before


def test_reordering_activities_is_no_change(db: Session, actor: Actor) -> None:
    document = minimal()
    second = dict(document["activities"][0], key="second_service")
    document["activities"].append(second)
    processing.apply(db, actor, text=as_yaml(document), source="v1")
    document["activities"].reverse()

    version, _ = processing.apply(db, actor, text=as_yaml(document), source="v2")

    assert version.changes == []
