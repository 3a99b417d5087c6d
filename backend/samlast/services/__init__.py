"""Use cases: each owns its transaction and publishes what happened after the commit (notify)."""
