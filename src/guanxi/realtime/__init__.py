"""Real-time fan-out of committed events to connected devices. Knows no SQL and no HTTP."""
