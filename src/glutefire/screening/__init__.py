"""Screening: turning per-rep metrics into findings, and the end-to-end clip pipeline."""
