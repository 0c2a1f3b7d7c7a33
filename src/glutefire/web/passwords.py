"""The password policy of web accounts: a minimum length, not whitespace only, not one repeated
character, not the account's email or its local part, and not on the common-password list shipped
in ``data/common-passwords.txt.gz`` (20,000 entries; source and licence in
``data/common-passwords.README.md``). Comparisons ignore case and surrounding whitespace."""

from __future__ import annotations

import functools
import gzip

from glutefire.datafiles import read_packaged_bytes
from glutefire.errors import RecordError

MIN_PASSWORD_LENGTH = 10
#: argon2 hashes any length, but a megabyte password is only a way to burn server time.
MAX_PASSWORD_LENGTH = 1024
COMMON_PASSWORDS_FILE = "common-passwords.txt.gz"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower case (read once per process)."""
    packed = read_packaged_bytes(COMMON_PASSWORDS_FILE)
    if packed is None:
        raise RuntimeError(f"the packaged {COMMON_PASSWORDS_FILE} is missing; reinstall glutefire")
    return frozenset(line.strip() for line in gzip.decompress(packed).decode().splitlines())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why ``password`` is refused for the account ``email``, or None when it is acceptable."""
    folded = password.strip().casefold()
    email_folded = email.strip().casefold()
    local_part = email_folded.split("@", 1)[0]
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"expected a password of at least {MIN_PASSWORD_LENGTH} characters, "
            f"but got {len(password)}"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"expected a password of at most {MAX_PASSWORD_LENGTH} characters"
    if not folded:
        return "expected a password with more than spaces in it"
    if len(set(folded)) == 1:
        return "expected a password that is not one character repeated"
    if email_folded and folded in (email_folded, local_part):
        return "expected a password that is not your email address or its name part"
    if folded in common_passwords():
        return "this password is on a list of common passwords; choose another"
    return None


def check_password(password: str, *, email: str = "") -> None:
    """Raise a :class:`RecordError` saying why ``password`` is refused (see the module)."""
    problem = password_problem(password, email=email)
    if problem is not None:
        raise RecordError(problem)
