"""Against a real private Dovecot on loopback."""
