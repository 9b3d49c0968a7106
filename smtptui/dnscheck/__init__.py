"""DNS and deliverability checks (dnspython only), autodiscovery and the header analyser.

Headless: never imports Textual. This package file imports nothing, so it is free to import.
Every DNS check is a coroutine taking a :class:`~smtptui.dnscheck.resolver.Dns` (or
``nameserver="HOST[:PORT]"`` and a finite ``timeout``); DNS trouble is reported in the
result (``timeout``, ``servfail`` ...), never raised. Bad input raises
:class:`~smtptui.dnscheck.resolver.DnsInputError`. Results are frozen dataclasses with
``to_json()`` and a ``level`` (pass/warn/fail/info); their ``findings`` texts are already
escaped for display, raw record texts are not (use :func:`smtptui.probe.sanitize.clean`).

Entry points:

- ``domain.check_domain(domain, ips=, selectors=, host=, port=, cert_chain=, nameserver=,
  timeout=)`` -> ``DomainReport`` (MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, PTR, relay host)
- ``host.check_relay_host(dns, host, port, cert_chain)`` -> ``HostReport`` (A/AAAA, FCrDNS,
  TLSA)
- ``spf_eval.evaluate_spf(dns, ip, domain, sender=)`` -> ``SpfEvaluation`` (result + path)
- ``discover.discover(address, nameserver=, timeout=)`` -> ``Discovery`` (suggestions)
- ``headers.analyse_headers(text)`` -> ``HeaderReport`` (pure, no DNS)
- ``render.Renderer().domain(report)`` / ``.discovery(d)`` / ``.headers(h)``: CLI text
"""
