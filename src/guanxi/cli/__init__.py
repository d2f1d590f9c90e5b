"""The `guanxi` command line."""
