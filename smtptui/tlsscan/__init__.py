"""TLS inspection beyond the handshake (``smtptui tls``) and the inbound view (``smtptui mx``).

Headless, laid out like :mod:`smtptui.compare`: the model (:mod:`.model`), the handshakes
(:mod:`.handshake`, :mod:`.contexts`), what they mean (:mod:`.chain`, :mod:`.verdict`,
:mod:`.advice`), the runners (:mod:`.scan`, :mod:`.inbound`) and the text (:mod:`.text`).
"""
