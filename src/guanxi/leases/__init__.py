"""Leases: work that must run in one process at a time across every worker of a community."""
