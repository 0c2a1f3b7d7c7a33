"""Passwords (argon2id, concurrency bounded by :class:`HashGate`), session tokens (signed,
expiring cookie backed by a database row), CSRF tokens, the client address behind trusted
proxies, and the login and sign-up rate limits (in the database)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from glutefire.store import login_limits
from glutefire.store.accounts import email_key
from glutefire.store.repository import unit_of_work

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SESSION_COOKIE = "gf_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """argon2id hash with a random per-user salt (encoded in the hash string)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


#: A valid hash to verify against when the email is unknown, so timing does not reveal it.
DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a session or invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class CookieSigner:
    """Signs the session token into the cookie value; refuses values older than ``max_age_s``."""

    def __init__(self, secret_key: str, max_age_s: int) -> None:
        self._signer = TimestampSigner(secret_key, salt="glutefire-session")
        self.max_age_s = max_age_s

    def sign(self, token: str) -> str:
        return self._signer.sign(token).decode()

    def unsign(self, value: str) -> str | None:
        try:
            return self._signer.unsign(value, max_age=self.max_age_s).decode()
        except (SignatureExpired, BadSignature):
            return None


def _digest(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: Sequence[IPNetwork]
) -> str:
    """The client's address: the TCP peer, unless the peer is a trusted proxy; then the
    right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy (entries further
    left were written by the client and prove nothing). No trusted proxies: the header is
    ignored."""
    address = peer or "unknown"
    if not trusted or not _is_trusted(address, trusted) or not forwarded_for:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        if not _is_trusted(hop, trusted):
            return hop[:64] if _parses(hop) else address
    return address


def _parses(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


@dataclass(frozen=True)
class LoginDecision:
    """Whether a login may be tried now; ``retry_after_s`` when it may not."""

    allowed: bool
    retry_after_s: int = 0


def _decision(uow: Session, scope: str, key: str, limit: int, window_s: float) -> LoginDecision:
    """Refused while ``key`` has ``limit`` rows in ``scope`` within the last ``window_s``
    seconds, until the oldest of them leaves the window (``retry_after_s``, at least 1 s)."""
    count, oldest = login_limits.recent_failures(uow, scope, key, window_s=window_s)
    if count < limit or oldest is None:
        return LoginDecision(True)
    wait_s = window_s - (dt.datetime.now(dt.timezone.utc) - oldest).total_seconds()
    return LoginDecision(False, max(1, math.ceil(wait_s)))


class LoginRateLimiter:
    """At most ``attempts`` failed logins per account (normalised email, known or not) and at
    most ``address_attempts`` per client address within ``window_s`` seconds, counted in the
    database (table ``login_failure``) so that every server process shares the count.

    Checks and records are separate transactions: processes racing on one account may let a
    few more guesses through than the limit (at most one per concurrent request)."""

    def __init__(
        self, engine: Engine, *, attempts: int, address_attempts: int, window_s: float
    ) -> None:
        self._engine = engine
        self.limits = {"account": attempts, "address": address_attempts}
        self.window_s = window_s

    def _keys(self, address: str, email: str) -> dict[str, str]:
        return {
            "account": _digest("account", email_key(email)),
            "address": _digest("address", address),
        }

    def check(self, address: str, email: str) -> LoginDecision:
        with unit_of_work(self._engine) as uow:
            for scope, key in self._keys(address, email).items():
                decision = _decision(uow, scope, key, self.limits[scope], self.window_s)
                if not decision.allowed:
                    return decision
        return LoginDecision(True)

    def failed(self, address: str, email: str) -> None:
        with unit_of_work(self._engine) as uow:
            login_limits.record_failure(uow, self._keys(address, email), window_s=self.window_s)

    def succeeded(self, address: str, email: str) -> None:
        """The account's count restarts; the address keeps its count (one valid login must
        not reset a guesser's budget for other accounts)."""
        with unit_of_work(self._engine) as uow:
            login_limits.clear_failures(uow, "account", self._keys(address, email)["account"])


class SignupRateLimiter:
    """At most ``attempts`` sign-ups per client address within ``window_s`` seconds, counted in
    the database (table ``login_failure``, scope ``signup``) so that every server process shares
    the count. Every well-formed sign-up counts, new email or taken alike (the answer must not
    tell them apart), before its password is hashed; a refused one is not counted."""

    def __init__(self, engine: Engine, *, attempts: int, window_s: float) -> None:
        self._engine = engine
        self.attempts = attempts
        self.window_s = window_s

    def check(self, address: str) -> LoginDecision:
        with unit_of_work(self._engine) as uow:
            return _decision(
                uow, "signup", _digest("signup", address), self.attempts, self.window_s
            )

    def record(self, address: str) -> None:
        with unit_of_work(self._engine) as uow:
            login_limits.record_failure(
                uow, {"signup": _digest("signup", address)}, window_s=self.window_s
            )


class ServerBusy(Exception):
    """Too many password hashes are running; answer 503 with ``Retry-After``."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("the server is busy; try again in a few seconds")
        self.retry_after_s = retry_after_s


class HashGate:
    """Bounds concurrent argon2 work (each hash holds ``memory_cost`` KiB, 64 MiB by default):
    at most ``slots`` at once, a request waits at most ``wait_s`` for a slot and is then refused
    with :class:`ServerBusy` instead of queueing without bound."""

    def __init__(self, slots: int, wait_s: float, retry_after_s: int = 5) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self.wait_s = wait_s
        self.retry_after_s = retry_after_s

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_s):
            raise ServerBusy(self.retry_after_s)
        try:
            yield
        finally:
            self._slots.release()
