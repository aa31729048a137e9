"""Pure tests: no sockets to servers, no Qt."""
