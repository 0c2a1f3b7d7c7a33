"""The per-rep CSV of a screening (the result itself is :class:`glutefire.result.ScreeningResult`,
assembled by :mod:`glutefire.screening.assemble`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from glutefire.screening.pipeline import ClipScreen


def rep_table_csv(screens: list[ClipScreen], path: str | Path) -> None:
    """All clips' per-rep tables as one CSV (columns: clip, rep, timing, metrics)."""
    frames = []
    for i, s in enumerate(screens):
        table = s.analysis.rep_table.reset_index()
        table.insert(0, "clip", i)
        table.insert(1, "view", s.analysis.view.view.value)
        frames.append(table)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    pd.concat(frames, ignore_index=True).round(3).to_csv(tmp, index=False)
    tmp.replace(path)
