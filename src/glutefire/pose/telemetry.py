"""Keep MediaPipe's usage telemetry inside the machine.

mediapipe >= 0.10.35 (the Tasks API wheels) links a Clearcut uploader that posts usage logs to
``https://play.googleapis.com/log`` a few seconds after a model is created; there is no
documented switch (google-ai-edge/mediapipe#6291). The uploader is libcurl, which reads the
``https_proxy`` environment variable on every request, so pointing that variable at a closed
local port makes each upload fail on the spot without a DNS lookup. glutefire itself makes no
HTTPS requests, so nothing else in the process is affected. A ``no_proxy`` entry that would
exempt Google's host is removed for the same reason.
"""

from __future__ import annotations

import os

#: Where uploads are sent instead: the discard port on the loopback interface, where nothing
#: listens in practice (a refused connection, not a timeout).
BLACKHOLE_PROXY = "http://127.0.0.1:9"
TELEMETRY_HOST = "play.googleapis.com"


def block_mediapipe_telemetry(proxy: str | None = None) -> None:
    """Route MediaPipe's HTTPS uploads to ``proxy`` (default :data:`BLACKHOLE_PROXY`) for the
    rest of this process."""
    os.environ["https_proxy"] = proxy or BLACKHOLE_PROXY
    for name in ("no_proxy", "NO_PROXY"):
        if name in os.environ:
            kept = [e for e in os.environ[name].split(",") if not _exempts_telemetry(e.strip())]
            os.environ[name] = ",".join(kept)


def _exempts_telemetry(entry: str) -> bool:
    """Whether a ``no_proxy`` entry would let libcurl reach :data:`TELEMETRY_HOST` directly."""
    if entry == "*":
        return True
    suffix = entry.lstrip(".").lower()
    return bool(suffix) and (TELEMETRY_HOST == suffix or TELEMETRY_HOST.endswith("." + suffix))
