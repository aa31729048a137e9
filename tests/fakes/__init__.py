"""Test doubles shared by the test tiers: a fake POP3 server and a throwaway certificate authority."""
