"""The embedded default: loopback relays and matching profiles for `smtptui demo`.

Three relays start in-process on 127.0.0.1: a healthy STARTTLS + AUTH relay, one that
rejects the password with 535 5.7.8, and one whose certificate has expired. A new
user sees a green probe and two diagnosed failures with nothing configured.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

from smtptui.demo.relay import Relay, RelayOptions
from smtptui.loopthread import LoopThread
from smtptui.probe.config import ProbeConfig, Secret

DEMO_USER = "demo@smtptui.test"
DEMO_PASSWORD = "demo-password"  # a published demo credential, not a secret
DEMO_CLIENT = "Demo (loopback relays)"
TARGETS = (
    ("Demo: healthy relay", "STARTTLS + AUTH, everything accepted"),
    ("Demo: wrong password", "the server answers 535 5.7.8"),
    ("Demo: expired certificate", "the relay's certificate expired 30 days ago"),
)
"""The demo profiles' names and descriptions, in the order they are listed."""


@dataclass(frozen=True)
class DemoTarget:
    name: str
    description: str
    config: ProbeConfig


@dataclass
class Demo:
    relays: list[Relay] = field(default_factory=list)
    targets: list[DemoTarget] = field(default_factory=list)
    ca_file: str = ""
    directory: str = ""
    runner: LoopThread | None = None

    async def stop(self) -> None:
        runner = self.runner
        if runner is not None:
            async def stop_all() -> None:
                for relay in self.relays:
                    await relay.stop()

            await runner.run(stop_all())
            runner.close()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


async def start_demo() -> Demo:
    """Start the demo relays on 127.0.0.1, served from their own thread."""
    runner = LoopThread("smtptui-demo-relays")
    try:
        demo = await runner.run(_start_relays())
    except BaseException:
        runner.close()
        raise
    demo.runner = runner
    return demo


async def _start_relays() -> Demo:
    from smtptui.demo.certs import make_pki

    pki = make_pki()
    users = {DEMO_USER: DEMO_PASSWORD}
    healthy = await Relay(RelayOptions(
        hostname="healthy.smtptui.test", starttls=pki.good, users=users,
        banner="ESMTP smtptui demo relay (healthy)",
        auth_mechanisms=("PLAIN", "LOGIN", "CRAM-MD5"),
    )).start()
    wrong_password = await Relay(RelayOptions(
        hostname="strict.smtptui.test", starttls=pki.good, users={DEMO_USER: "another"},
        banner="ESMTP smtptui demo relay (rejects the password)",
    )).start()
    bad_cert = await Relay(RelayOptions(
        hostname="expired.smtptui.test", starttls=pki.expired, users=users,
        banner="ESMTP smtptui demo relay (expired certificate)",
    )).start()

    def config(name: str, relay: Relay) -> ProbeConfig:
        return ProbeConfig(
            host="127.0.0.1", port=relay.port, tls="starttls", username=DEMO_USER,
            password=Secret(DEMO_PASSWORD), cafile=str(pki.ca_file), servername="localhost",
            mail_from=DEMO_USER, rcpt_to=("postmaster@smtptui.test",), profile=name,
            timeout=10.0,
        )

    targets = [DemoTarget(name, description, config(name, relay)) for (name, description), relay
               in zip(TARGETS, (healthy, wrong_password, bad_cert), strict=True)]
    return Demo(relays=[healthy, wrong_password, bad_cert], targets=targets,
                ca_file=str(pki.ca_file), directory=str(pki.directory))
