"""Benchmark: the Public Suffix List behind DMARC's organisational domain (prints times).

    python bench/orgdomain.py [--repeat R] [--names N]

The list loads once, on first use. Baseline, measured in the same run: the
``publicsuffixlist`` default loader, which also generates a punycode copy of every IDN
rule; smtptui loads without it and decodes A-labels before each lookup. Then the cost of
one ``org_domain()`` lookup, ASCII and IDN names mixed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from publicsuffixlist import PublicSuffixList

from smtptui.dnscheck import orgdomain

sys.path.insert(0, str(Path(__file__).parent))
from profiles_io import best  # noqa: E402  (one timing helper for the benchmarks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--names", type=int, default=20000)
    args = parser.parse_args()

    default = best(lambda: PublicSuffixList(), args.repeat)
    ours = best(lambda: PublicSuffixList(accept_encoded_idn=False), args.repeat)
    print(f"PSL snapshot {orgdomain.psl_snapshot()}")
    print(f"load, package default (baseline): {default:7.1f} ms")
    print(f"load, smtptui (no punycode copy): {ours:7.1f} ms  ratio {ours / default:.2f}")

    samples = ["mail.eu.example.com", "a.b.c.kobe.jp", "www.example.co.uk",
               "x.shishi.xn--55qx5d.cn", "mx1.mail.example.uk.com", "host.test.ck"]
    names = [f"n{i}.{samples[i % len(samples)]}" for i in range(args.names)]
    orgdomain.org_domain("warm.example.com")
    per = best(lambda: [orgdomain.org_domain(n) for n in names], 3) / len(names) * 1000
    print(f"org_domain(): {per:.1f} µs per name ({len(names)} names)")


if __name__ == "__main__":
    main()
