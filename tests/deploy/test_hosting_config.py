""".streamlit/config.toml is made for hosting a class: the settings issue 7 asks for,
every option known to this Streamlit, and one line of why above each."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config

from deploy.run_replicas import Replica
from tools.st_session import Session, run_sync

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def settings() -> dict:
    with CONFIG.open("rb") as fh:
        return tomllib.load(fh)


class TestHostingConfig:
    @pytest.mark.parametrize(
        ("section", "option", "value"),
        [
            ("client", "showErrorDetails", "none"),  # no tracebacks for visitors
            ("runner", "fastReruns", False),  # no piled-up script threads
            ("runner", "postScriptGC", False),  # a full collection per rerun cost 2/3 of its CPU
            ("browser", "gatherUsageStats", False),
            ("server", "fileWatcherType", "none"),
            ("server", "runOnSave", False),
            ("server", "enableXsrfProtection", True),
            ("server", "headless", True),
            ("server", "address", "127.0.0.1"),  # a local run is not on the network
            ("server", "enableAgentApi", False),
        ],
    )
    def test_the_hardened_value_is_set(self, settings, section, option, value):
        assert settings[section][option] == value

    def test_upload_and_message_limits_are_small(self, settings):
        assert settings["server"]["maxUploadSize"] <= 2
        assert settings["server"]["maxMessageSize"] <= 10
        assert settings["server"]["maxWidgetStateSize"] <= 2

    def test_a_local_run_accepts_only_loopback_host_names(self, settings):
        """DNS rebinding: a page on evil.example resolving to 127.0.0.1 is refused."""
        assert set(settings["server"]["allowedHosts"]) == {"localhost", "127.0.0.1", "::1"}

    def test_every_option_exists_in_this_streamlit(self, settings):
        known = set(st_config._config_options_template)
        unknown = [
            f"{section}.{option}"
            for section, options in settings.items()
            for option in options
            if f"{section}.{option}" not in known
        ]
        assert not unknown

    def test_every_option_has_a_comment_line_above_it(self):
        lines = CONFIG.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if "=" in line and not line.lstrip().startswith("#"):
                assert lines[i - 1].lstrip().startswith("#"), f"no comment above: {line}"


class TestARealServer:
    def test_a_browser_message_over_the_limit_closes_its_connection(self, settings):
        """server.maxWidgetStateSize (MB): a visitor cannot make the server hold a 2 MB
        'function'; an ordinary input in the same place still works."""
        limit = settings["server"]["maxWidgetStateSize"] * 1_000_000

        async def type_f(url: str, text: str) -> str:
            async with Session(url) as session:
                await session.run(page="limits", query="lang=en")
                return (await session.run(widgets={"f": text}, timeout=20)).status

        with Replica() as server:
            assert run_sync(lambda: type_f(server.url, "x^3")) == "ok"
            assert run_sync(lambda: type_f(server.url, "x" * (limit + 1))) == "closed"
            assert "exceeds the limit" in server.log()
