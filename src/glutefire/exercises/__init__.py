"""Exercise checks: reps, holds and form checks of the corrective exercises, from video."""
