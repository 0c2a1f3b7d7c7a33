"""Passwords (argon2id), session tokens (signed, expiring cookie backed by a database row),
CSRF tokens, and the login rate limit."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

SESSION_COOKIE = "gf_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MIN_PASSWORD_LENGTH = 10

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


class LoginRateLimiter:
    """At most ``attempts`` failed logins per (client IP, email) within ``window_s`` seconds."""

    def __init__(self, attempts: int, window_s: float, clock=time.monotonic) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self._clock()
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures

    def blocked(self, ip: str, email: str) -> bool:
        with self._lock:
            return len(self._recent((ip, email.lower()))) >= self.attempts

    def failed(self, ip: str, email: str) -> None:
        with self._lock:
            self._recent((ip, email.lower())).append(self._clock())

    def succeeded(self, ip: str, email: str) -> None:
        with self._lock:
            self._failures.pop((ip, email.lower()), None)
