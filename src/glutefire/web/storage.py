"""The web app's folders on start-up: private (0700: uploads, keyframes and a SQLite database
hold clients' health data) and without half-written uploads (``*.part`` files left by a server
that stopped mid-upload are never completed: the browser got an error).

A ``.part`` file is named ``<random>-<pid><ext>.part`` after the process that writes it, so a
server process starting next to others (several workers) removes only the files of processes
that no longer run, never an upload another worker is still receiving."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from glutefire.web.settings import WebSettings

log = logging.getLogger(__name__)
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PARTIAL_SUFFIX = ".part"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) or tighten it to owner-only access."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR_MODE)
    return path


def partial_upload_name(random_hex: str, ext: str) -> str:
    """The ``.part`` name of an upload being received by this process."""
    return f"{random_hex}-{os.getpid()}{ext}{PARTIAL_SUFFIX}"


def _writer_running(part: Path) -> bool:
    """Whether the process named in ``part`` still runs (and is not this one, just started)."""
    pid_text = part.name.split(".", 1)[0].rpartition("-")[2]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # running, as another user
        return True
    return True


def remove_partial_uploads(upload_dir: Path) -> int:
    """Delete the ``*.part`` files of interrupted uploads; return how many went."""
    removed = 0
    for part in upload_dir.glob(f"*{PARTIAL_SUFFIX}"):
        if part.is_file() and not _writer_running(part):
            part.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("removed %d half-written upload(s) from %s", removed, upload_dir)
    return removed


def prepare_storage(settings: WebSettings) -> None:
    """Private data, upload and keyframe folders; no half-written uploads."""
    for folder in (settings.data_dir, settings.upload_dir, settings.keyframe_dir):
        private_dir(folder)
    remove_partial_uploads(settings.upload_dir)
