"""Per-key token buckets: in memory for one process, in Redis when several workers share it."""
