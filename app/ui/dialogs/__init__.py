"""Dialogs: account settings, password prompt, preferences."""
