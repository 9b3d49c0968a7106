"""A real Prometheus (the Debian package's binary) on a free loopback port, with a
generated config and its own storage directory, for the exporter tests."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

BINARY = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")


def need(binary: str | None, name: str) -> str:
    if binary is None:
        pytest.skip(f"{name} is not installed (Debian package 'prometheus'; .ci/run installs it)")
    return binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Prometheus:
    def __init__(self, config: str, workdir: Path) -> None:
        binary = need(BINARY, "prometheus")
        self.port = free_port()
        (workdir / "prometheus.yml").write_text(config, encoding="utf-8")
        self.log = (workdir / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            [binary, f"--config.file={workdir / 'prometheus.yml'}",
             f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.logfile = workdir / "prometheus.log"

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
            return bytes(r.read())

    def poll(self, what: str, check: Any, deadline: float = 30.0) -> Any:
        """Call ``check()`` until it returns something truthy. Prometheus is another
        process with its own scrape clock: asking again is the only way to know."""
        end = time.monotonic() + deadline
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"prometheus exited: {self.logfile.read_text()[-2000:]}")
            try:
                result = check()
            except OSError:
                result = None
            if result:
                return result
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}; prometheus log: "
                                     f"{self.logfile.read_text()[-2000:]}")
            time.sleep(0.2)

    def ready(self) -> None:
        self.poll("prometheus to be ready", lambda: self._get("/-/ready"))

    def query(self, expr: str) -> list[dict[str, Any]]:
        doc = json.loads(self._get("/api/v1/query?" + urllib.parse.urlencode({"query": expr})))
        assert doc["status"] == "success", doc
        return list(doc["data"]["result"])

    def series(self, match: str) -> list[dict[str, str]]:
        doc = json.loads(self._get("/api/v1/series?" + urllib.parse.urlencode(
            {"match[]": match})))
        return list(doc["data"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
