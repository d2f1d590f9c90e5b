"""The store's plumbing: engines, units of work, the shared metadata."""
