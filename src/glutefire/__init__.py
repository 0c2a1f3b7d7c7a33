"""glutefire: screen squats for hip-dominant movement compensations, correct, track, re-screen.

A screening aid that describes movement patterns; it does not diagnose.
"""

__version__ = "0.1.0"
