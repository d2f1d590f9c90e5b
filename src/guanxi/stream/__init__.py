"""A user's event stream: replay from a cursor, then live events."""
