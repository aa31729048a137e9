"""Poplark: a POP3 desktop mail client with a headless engine."""

__version__ = "0.1.0"
