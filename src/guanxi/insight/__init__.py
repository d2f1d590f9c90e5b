"""Insight: what a user's messages say about their relationships (INSIGHT.md, docs/insight.md).

The formula modules here (score, stages, kmeans, circles, stability) are pure: no I/O, no SQL.
The domain reads the others; nothing below it imports it back."""
