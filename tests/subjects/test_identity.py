"""The lookup fast path for email addresses gives exactly email-validator's normal form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawful import subjects
from lawful.subjects import IdentityKind

EMAIL = IdentityKind.EMAIL
local = st.text(alphabet="abcXYZ019._+-'", min_size=1, max_size=12)
domain = st.lists(st.text(alphabet="abcDEF09-", min_size=1, max_size=8), min_size=1, max_size=3)
tld = st.sampled_from(["test", "be", "COM", "org", "Nl"])


@given(local, domain, tld, st.sampled_from(["", " ", "\t"]))
def test_the_fast_path_agrees_with_email_validator(name: str, labels: list[str], top: str, pad: str) -> None:
    value = f"{pad}{name}@{'.'.join([*labels, top])}{pad}"
    try:
        expected = subjects.normalise(EMAIL, value)
    except subjects.InvalidIdentity:
        # refused by email-validator: the fast path may answer, but never with an address that exists
        return
    assert subjects.normalise_for_lookup(EMAIL, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Ada.Lovelace@Example.TEST ", "ada.lovelace@example.test"),
        ("jérôme@exemple.be", subjects.normalise(EMAIL, "jérôme@exemple.be")),
        ("info@xn--bcher-kva.be", "info@xn--bcher-kva.be"),
    ],
)
def test_lookup_forms(value: str, expected: str) -> None:
    assert subjects.normalise_for_lookup(EMAIL, value) == expected


@pytest.mark.parametrize("value", ["a..b@example.test", "no-at-sign", "x@", "@example.test"])
def test_what_email_validator_refuses_is_still_refused(value: str) -> None:
    with pytest.raises(subjects.InvalidIdentity):
        subjects.normalise_for_lookup(EMAIL, value)


def test_phones_and_external_ids_take_the_usual_path() -> None:
    assert subjects.normalise_for_lookup(IdentityKind.PHONE, "0470 12 34 56") == "+32470123456"
    assert subjects.normalise_for_lookup(IdentityKind.EXTERNAL, " C-42 ") == "C-42"
