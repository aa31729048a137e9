"""Client, engine and CLI against the fake POP3 server in tests/fakes."""
