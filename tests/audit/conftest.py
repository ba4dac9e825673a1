"""Audit tests on a database of their own (`fresh_url`) open its key store, as every lawful process does."""

from pathlib import Path

import pytest
from pydantic import SecretStr

from lawful import keystore
from lawful.config import Settings
from tests.conftest import MASTER_KEY


@pytest.fixture
def fresh_keys(fresh_url: str, tmp_path: Path) -> keystore.Keys:
    """The keys of `fresh_url`, in a key store of the test's own (as `lawful serve` or a command opens it)."""
    settings = Settings(data_dir=tmp_path, database_url=fresh_url, master_key=SecretStr(MASTER_KEY))
    return keystore.open_keys(settings)
