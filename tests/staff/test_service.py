"""Staff accounts: grants, hashes, API keys, audited."""

import uuid
from datetime import date

import pytest
from sqlalchemy.orm import Session

from lawful import audit, keystore, staff
from lawful.actor import Actor
from lawful.config import Settings
from tests.factories import make_api_key, make_register, make_staff


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db).organisation_id


def test_passwords_are_stored_as_argon2id(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    created = make_staff(db, keys, org, [staff.Role.AUDITOR])

    assert created.user.password_hash.startswith("$argon2id$")
    assert b"correct horse" not in created.user.password_hash.encode()


def test_adding_staff_is_audited_without_the_email(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    created = make_staff(db, keys, org, [staff.Role.AUDITOR])

    entry = audit.latest(db, entity=created.user)
    assert entry is not None and entry.action == "staff.added"
    assert created.user.email not in str(audit.content(entry))


def test_granting_a_personal_data_role_without_training_is_refused(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    created = make_staff(db, keys, org, [staff.Role.ENGINEER], training_on=None)

    with pytest.raises(staff.GrantRefused, match="training"):
        staff.grant(db, actor, staff_id=created.user.id, role=staff.Role.SUPPORT)


def test_a_grant_is_audited_with_before_and_after(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    created = make_staff(db, keys, org, [staff.Role.AUDITOR])

    staff.grant(db, actor, staff_id=created.user.id, role=staff.Role.SUPPORT)

    entry = audit.latest(db, entity=created.user)
    assert entry is not None and entry.action == "staff.granted"
    assert (entry.data["before"], entry.data["after"]) == (["auditor"], ["auditor", "support"])
    assert set(entry.data) == {"before", "after", "expires_on", "review_due"}  # the grant's dates


def test_the_totp_secret_is_encrypted_at_rest(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    created = make_staff(db, keys, org, [staff.Role.AUDITOR])

    assert created.totp_secret.encode() not in created.user.totp_secret


def test_api_keys_resolve_to_their_scopes_and_can_be_revoked(
    db: Session, org: uuid.UUID, actor: Actor
) -> None:
    token = make_api_key(db, org, ["register:read"])
    key_actor = staff.actor_for_api_key(db, token=token)
    assert key_actor.id is not None

    staff.revoke_api_key(db, actor, key_id=key_actor.id)

    assert key_actor.permissions == frozenset({"register:read"})
    with pytest.raises(staff.InvalidCredentials):
        staff.actor_for_api_key(db, token=token)


def test_unknown_scopes_are_refused(db: Session, org: uuid.UUID) -> None:
    with pytest.raises(staff.GrantRefused, match="everything"):
        make_api_key(db, org, ["everything"])


def test_a_second_account_with_the_same_email_is_refused(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_staff(db, keys, org, [staff.Role.AUDITOR], email="same@example.test")

    with pytest.raises(staff.StaffExists):
        make_staff(db, keys, org, [staff.Role.AUDITOR], email="SAME@example.test")


def test_access_review_is_due_a_year_after_creation(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    created = make_staff(db, keys, org, [staff.Role.AUDITOR])

    assert created.user.access_review_due is not None and created.user.access_review_due > date(2026, 1, 1)


def test_a_hash_made_with_either_profile_verifies_under_the_other() -> None:
    """The suite hashes with the cheapest parameters; a production hash still verifies, and the reverse."""
    strong = staff.service._hasher_for("rfc9106")
    cheap = staff.service._hasher_for("cheapest")

    assert "m=65536,t=3,p=4" in strong.hash("pw") and "m=8,t=1,p=1" in cheap.hash("pw")
    assert strong.verify(cheap.hash("pw"), "pw") and cheap.verify(strong.hash("pw"), "pw")


def test_lawful_hashes_with_rfc_9106_unless_told_otherwise() -> None:
    assert Settings.model_fields["password_hashing"].default == "rfc9106"
