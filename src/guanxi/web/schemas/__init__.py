"""Wire schemas: <Noun>In for what comes in, <Noun>Out for what goes out."""
