"""Open live-mirror sockets of this server process, by account and login session.

Each live socket holds a pose model and up to ``live_max_frames`` of landmarks (30-140 MiB), so
an account may hold at most ``live_sockets_per_account`` at once *per process* (the memory they
bound is the process's own). Logging out ends the sockets that login session opened in this
process at once; a socket in another process finds its session gone before it may save
(``routes/live.py`` checks the database)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field


@dataclass(eq=False)
class LiveTicket:
    """One open socket: ``ended`` is set (on the socket's event loop) when its login ends."""

    account_id: int
    session_digest: str
    loop: asyncio.AbstractEventLoop
    ended: asyncio.Event = field(default_factory=asyncio.Event)


class LiveSockets:
    """Registry of open live sockets (thread-safe: logout runs in a worker thread)."""

    def __init__(self, per_account: int) -> None:
        self.per_account = per_account
        self._open: list[LiveTicket] = []
        self._lock = threading.Lock()

    def open(self, account_id: int, session_digest: str) -> LiveTicket | None:
        """A ticket for a new socket, or None when the account has its limit open already.
        Call from the socket's event loop."""
        with self._lock:
            if sum(t.account_id == account_id for t in self._open) >= self.per_account:
                return None
            ticket = LiveTicket(account_id, session_digest, asyncio.get_running_loop())
            self._open.append(ticket)
            return ticket

    def close(self, ticket: LiveTicket) -> None:
        with self._lock:
            if ticket in self._open:
                self._open.remove(ticket)

    def end_session(self, session_digest: str) -> int:
        """Tell every socket of this login session to close; return how many were told."""
        with self._lock:
            tickets = [t for t in self._open if t.session_digest == session_digest]
        for ticket in tickets:
            ticket.loop.call_soon_threadsafe(ticket.ended.set)
        return len(tickets)
