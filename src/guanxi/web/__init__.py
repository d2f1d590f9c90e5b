"""The HTTP and WebSocket edge: parses, authenticates, calls one service, serialises."""
