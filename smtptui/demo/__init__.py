"""The embedded demo: loopback relays (:mod:`.relay`), their certificates (:mod:`.certs`) and
the demo profiles that point at them (:mod:`.embedded`)."""
