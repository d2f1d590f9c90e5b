"""guanxi: a self-hostable social network service."""

__version__ = "0.1.0"
