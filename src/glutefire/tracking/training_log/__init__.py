"""Import training logs from workout apps' CSV exports (Strong, Hevy); classify and balance.

See ``docs/training-log-formats.md``. Readers are registered in :mod:`.formats`.
"""
