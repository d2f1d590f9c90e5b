"""The durable log of every event, which a reconnecting device replays from its cursor."""
