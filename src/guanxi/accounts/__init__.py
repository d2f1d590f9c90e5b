"""Accounts: people, their profiles, their devices' sessions."""
