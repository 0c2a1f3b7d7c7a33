"""Storing and checking an uploaded clip, shared by the screening upload
(:mod:`glutefire.web.routes.uploads`) and the filmed sets of the session form
(:mod:`glutefire.web.filmed`).

:func:`store_upload` copies the upload under a random name with a byte budget;
:func:`check_clip` checks the stored file's content before anything decodes all of it.
The limits are settings (docs/security.md, "Uploads").
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from fastapi import HTTPException
from starlette.datastructures import UploadFile

from glutefire.errors import InputFileError
from glutefire.io.video import (
    VIDEO_DEMUXERS,
    VideoInfo,
    count_decodable_frames,
    has_video_magic,
    probe_video,
    read_stream_header,
)
from glutefire.web.settings import VIDEO_EXTENSIONS, WebSettings
from glutefire.web.storage import partial_upload_name

CHUNK_BYTES = 1 << 20
#: A clip whose decodable frames fall short of this share of its header count is truncated.
COMPLETE_FRACTION = 0.98
VIDEO_KINDS = "an MP4, MOV, AVI, MKV or WebM video"


async def store_upload(
    upload: UploadFile, settings: WebSettings, budget_bytes: int
) -> tuple[Path, int]:
    """Copy ``upload`` to ``<upload dir>/<random>.part`` and return that path and its size in
    bytes; the client's file name is never used, only its extension (checked first).

    Refusals are :class:`HTTPException`: 415 for an extension that is not a video's, 413 past
    ``budget_bytes`` (the request's remaining upload allowance), 422 for an empty file. The
    partial file is deleted on every refusal and on any error while copying.
    """
    ext = Path(upload.filename or "").suffix.lower()
    if ext not in VIDEO_EXTENSIONS:
        raise HTTPException(
            status_code=415,
            detail=f"expected a video file "
            f"({', '.join(VIDEO_EXTENSIONS)}), but got {ext or 'no extension'!r}",
        )
    part = settings.upload_dir / partial_upload_name(uuid.uuid4().hex, ext)
    size = 0
    try:
        with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            while chunk := await upload.read(CHUNK_BYTES):
                size += len(chunk)
                if size > budget_bytes:
                    raise HTTPException(
                        status_code=413,
                        detail="expected clips of at most "
                        f"{settings.max_upload_bytes // (1024 * 1024)} MB",
                    )
                out.write(chunk)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    if size == 0:
        part.unlink(missing_ok=True)
        raise HTTPException(status_code=422, detail="the uploaded file is empty")
    return part, size


def check_clip(path: Path, settings: WebSettings) -> VideoInfo:
    """Content check, cheapest first: the container's magic bytes and demuxer (a renamed image
    is refused), the frame size and frame count from the header (nothing decoded yet), then a
    decodable first AND last frame, a frame rate, a duration, and the frames that really decode
    (counting stops past the limit). Limits: ``max_clip_duration_s``, ``max_clip_frames``,
    ``max_clip_pixels`` (docs/security.md)."""
    with path.open("rb") as fh:
        if not has_video_magic(fh.read(16)):
            raise InputFileError(f"expected {VIDEO_KINDS}, but got another kind of file")
    header = read_stream_header(path)
    if header.demuxer not in VIDEO_DEMUXERS:
        raise InputFileError(f"expected {VIDEO_KINDS}, but got {header.demuxer!r} data")
    _check_size(header.width_px, header.height_px, settings)
    _check_frames(header.n_frames, settings)
    info = probe_video(path)
    if info.duration_s > settings.max_clip_duration_s:
        raise InputFileError(
            f"expected a clip of at most {settings.max_clip_duration_s:g} s, "
            f"but got {info.duration_s:.0f} s"
        )
    _check_frames(info.n_frames, settings)
    decodable = count_decodable_frames(path, stop_after=settings.max_clip_frames)
    _check_frames(decodable, settings)
    if decodable < COMPLETE_FRACTION * info.n_frames - 2:
        raise InputFileError(
            f"the video is truncated or damaged (only {decodable} of its "
            f"{info.n_frames} frames decode); export it again and upload the "
            "whole file"
        )
    return info


def _check_size(width_px: int, height_px: int, settings: WebSettings) -> None:
    if width_px <= 0 or height_px <= 0 or width_px * height_px > settings.max_clip_pixels:
        raise InputFileError(
            f"expected frames of at most {settings.max_clip_pixels / 1e6:.1f} megapixels "
            f"(e.g. 3840x2160), but got {width_px}x{height_px}"
        )


def _check_frames(n_frames: int, settings: WebSettings) -> None:
    if n_frames > settings.max_clip_frames:
        raise InputFileError(
            f"expected a clip of at most {settings.max_clip_frames} frames, but got "
            f"{n_frames} (a high frame rate multiplies the work; export at 30 or 60 fps)"
        )
