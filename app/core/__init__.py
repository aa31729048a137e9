"""The engine: POP3, storage, fetch cycle. Never imports Qt (a test enforces it)."""
