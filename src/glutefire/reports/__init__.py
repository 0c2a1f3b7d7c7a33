"""Outputs: the JSON result, the per-rep CSV, annotated video and keyframes, terminal summary."""
