"""Benchmark: load and save of a 1,000-profile file (prints the times).

    python bench/profiles_io.py [--profiles N] [--repeat R]

Also times the locked read-modify-write path (``modify``) that `profiles add` uses.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from smtptui.profiles import (
    PRESETS,
    CommandSource,
    EnvSource,
    Profile,
    ProfileFile,
    load,
    modify,
)


def make_file(path: Path, count: int) -> None:
    """A realistic file: ``count`` profiles over count/10 clients, presets and secret sources."""
    pf = ProfileFile(path, defaults={"timeout": 20, "from": "monitor@msp.example"})
    presets = list(PRESETS.values())
    for i in range(count):
        preset = presets[i % len(presets)]
        region = "eu-west-1" if preset.needs_region else None
        secret = EnvSource(f"PW_{i}") if i % 2 else CommandSource(f"pass show client{i}/smtp")
        pf.add(preset.to_profile(
            f"relay {i:04d}", client=f"Client {i // 10:03d}", region=region,
            username=f"ops{i}@client{i // 10}.example", password=secret,
            rcpt_to=(f"seed{i}@msp.example",), timeout=20.0, mail_from="monitor@msp.example"))
    pf.save()


def best(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "profiles.toml"
        make_file(path, args.profiles)
        size = path.stat().st_size
        loaded = load(path)
        assert len(loaded.profiles) == args.profiles

        def save() -> None:
            pf = load(path)
            start = time.perf_counter()
            pf.save()
            save_times.append(time.perf_counter() - start)

        save_times: list[float] = []
        load_ms = best(lambda: load(path), args.repeat)
        for _ in range(args.repeat):
            save()
        save_ms = min(save_times) * 1000
        counter = iter(range(10**9))
        modify_ms = best(lambda: modify(path, lambda pf: pf.add(
            Profile(name=f"extra {next(counter)}", host="x.example"))), args.repeat)
    print(f"profiles file: {args.profiles} profiles, {size / 1024:.0f} KiB "
          f"(best of {args.repeat})")
    print(f"load:   {load_ms:8.1f} ms  (read, parse, validate)")
    print(f"save:   {save_ms:8.1f} ms  (validate, serialise, backup, fsync, rename)")
    print(f"modify: {modify_ms:8.1f} ms  (lock, load, add one, save)")


if __name__ == "__main__":
    main()
