"""Repetitions: segmenting the driver signal into reps and tabulating per-rep metrics."""
