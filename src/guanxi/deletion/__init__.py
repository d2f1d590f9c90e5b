"""Deleting an account: what goes with it and what stays for the others (docs/security.md)."""
