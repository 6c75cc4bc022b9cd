"""The one settings table: it feeds the options, the environment, the settings file and the docs."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from service.config import SETTINGS, load_config, settings_table
from service.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def run(mediation) -> Callable[..., subprocess.CompletedProcess]:
    """The ``mediation`` command, in an environment without settings of its own."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
        clean.update(env or {})
        return subprocess.run(
            [mediation, *args], capture_output=True, text=True, env=clean, timeout=120
        )

    return run


def test_docs_hold_the_table_the_command_prints(run):
    printed = run("settings")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == settings_table()
    docs = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- settings:start -->\n(.*)<!-- settings:end -->", docs, re.S)
    assert block, "docs/settings.md lost its generated block"
    assert block.group(1) == printed.stdout, "docs/settings.md is stale: paste `mediation settings`"


def test_serve_help_lists_every_setting_with_its_variable(run):
    shown = run("serve", "--help")
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    for setting in SETTINGS:
        assert setting.option in text, setting.name
        assert setting.env in text, setting.name


def test_precedence_default_then_file_then_environment_then_option(tmp_path):
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text("query_timeout = 12\nmax_rows = 7\npage_size = 3\n", encoding="utf-8")
    config = load_config(
        overrides={"settings_file": str(settings_file), "page_size": "9"},
        environ={"MEDIATION_MAX_ROWS": "11", "MEDIATION_PAGE_SIZE": "5"},
    )
    assert config.query_timeout == 12.0  # from the file
    assert config.max_rows == 11  # the environment beats the file
    assert config.page_size == 9  # the option beats the environment
    assert config.port == 8000  # the default when nothing says otherwise


@pytest.mark.parametrize(
    "overrides, environ, says",
    [
        ({"port": "eighty"}, {}, "port"),
        ({}, {"MEDIATION_QUERY_TIMEOUT": "-3"}, "MEDIATION_QUERY_TIMEOUT"),
        ({"base_url": "ftp://example.org/"}, {}, "base_url"),
        ({}, {"MEDIATION_TIME_ZONE": "Europe/Pariss"}, "MEDIATION_TIME_ZONE"),
        ({"unknown_setting": "1"}, {}, "unknown_setting"),
    ],
)
def test_a_bad_value_is_refused_with_its_name(overrides, environ, says):
    with pytest.raises(ConfigError) as caught:
        load_config(overrides=overrides, environ=environ)
    assert says in caught.value.message_fr and says in caught.value.message_en


@pytest.mark.parametrize(
    "zone", ["Paris", "CET+1", "../../etc/passwd", "/usr/share/zoneinfo/UTC", ""]
)
def test_an_unknown_time_zone_is_refused_in_french_and_in_english(zone):
    with pytest.raises(ConfigError) as caught:
        load_config(overrides={"time_zone": zone}, environ={})
    assert "fuseau horaire inconnu" in caught.value.message_fr
    assert "unknown time zone" in caught.value.message_en
    assert "Europe/Paris" in caught.value.message_fr and "Europe/Paris" in caught.value.message_en


def test_the_time_zone_is_a_name_of_the_iana_database():
    assert load_config(environ={}).time_zone == "Europe/Paris"
    overseas = load_config(environ={"MEDIATION_TIME_ZONE": "America/Cayenne"})
    assert overseas.time_zone == "America/Cayenne"
    assert overseas.replace(page_size=3).time_zone == "America/Cayenne"


def test_a_bad_setting_on_the_command_line_is_a_usage_error_without_traceback(tmp_path, run):
    result = run("serve", "--store", str(tmp_path / "store"), "--port", "eighty")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "port" in result.stderr


def test_an_unknown_name_in_the_settings_file_is_refused(tmp_path, run):
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text("max_rowz = 3\n", encoding="utf-8")
    result = run("serve", "--settings-file", str(settings_file), "--store", str(tmp_path / "s"))
    assert result.returncode == 2
    assert "max_rowz" in result.stderr and "Traceback" not in result.stderr
