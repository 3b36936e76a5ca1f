"""The field loop on the host: recordings pulled from a device, event summaries read back,
flagged false triggers turned into negatives (docs/field-loop.md)."""
