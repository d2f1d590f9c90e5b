"""Full-text search over the messages a user may see (and, through moments, their moments)."""
