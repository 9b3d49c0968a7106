"""The shipped Prometheus files are valid and their alert rules do what they say
(promtool from the Debian package `prometheus`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.prometheus import PROMTOOL, need

CONTRIB = Path(__file__).parent.parent / "contrib" / "prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([need(PROMTOOL, "promtool"), *args], cwd=CONTRIB,
                          capture_output=True, text=True, timeout=60)


def test_scrape_config_is_valid() -> None:
    out = promtool("check", "config", "prometheus.yml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 rule files found" in out.stdout


def test_alert_rules_are_valid() -> None:
    out = promtool("check", "rules", "smtptui.rules.yml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 rules found" in out.stdout


def test_alert_rules_pass_their_unit_tests() -> None:
    out = promtool("test", "rules", "smtptui.rules.test.yml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS" in out.stdout
