"""Batch screening: a manifest of many people's clips, screened in parallel on one machine or a
Ray cluster, with resume, retries and a coach's summary (see docs/batch.md)."""
