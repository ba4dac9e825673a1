"""`lawful notice publish` then `lawful notice changes list|show|mail` on a fresh database (R-123)."""

import json
from pathlib import Path

from tests.conftest import Lawful
from tests.registers import as_yaml

from .world import reworded, two_activities


def test_a_material_change_is_listed_shown_and_mailed_by_the_cli(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, as_yaml(two_activities()))
    assert lawful("notice", "publish").exit_code == 0
    lawful.apply_register(tmp_path, as_yaml(reworded()))

    published = lawful("notice", "publish", "--changelog", "loyalty card", "--json")
    listed = lawful("notice", "changes", "list", "--json")
    shown = lawful("notice", "changes", "show", "2", "--json")
    mailed = lawful("notice", "changes", "mail", "2", "--json")
    missing = lawful("notice", "changes", "show", "7")

    assert json.loads(published.output)["material"] is True and json.loads(published.output)["mailed"] == 0
    [change] = json.loads(listed.output)
    assert change["reasons"][0].startswith("activities[customer_service].purpose")
    assert json.loads(shown.output)["concerned"]["activities"] == ["customer_service"]
    assert json.loads(mailed.output)["queued"] == 0  # nobody collected yet
    assert missing.exit_code != 0 and "no change is recorded for privacy notice version 7" in missing.output
