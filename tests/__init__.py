"""Poplark's test suite (tiers: core, protocol, ui, integration)."""
