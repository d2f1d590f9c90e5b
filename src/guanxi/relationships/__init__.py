"""Relationships: friend requests, friendships with a role on each side, blocks."""
