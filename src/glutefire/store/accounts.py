"""Persistence for the web app: accounts, login sessions, clients owned by trainers, invites and
upload jobs. Tokens arrive already hashed (see :mod:`glutefire.web.security`)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from glutefire.errors import RecordError
from glutefire.store.models import (
    Account,
    Client,
    ClientInvite,
    Person,
    UploadJob,
    WebSession,
    utcnow,
)
from glutefire.store.repository import (
    MAX_NAME_LENGTH,
    validate_person_name,
    validate_time_zone,
)

ROLES = ("trainer", "client")
JOB_STATUSES = ("queued", "running", "done", "failed")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{1,60}$")


class EmailTakenError(RecordError):
    """An account with that email exists already."""


MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit; also the column's length


def email_key(email: str) -> str:
    """The one normalised form of a typed email, for storage, lookup AND the login rate
    limit: surrounding whitespace stripped, case folded (``" Victim@Example.org "`` and
    ``"victim@example.org"`` are one account)."""
    return str(email).strip().casefold()


def normalise_email(email: str) -> str:
    """:func:`email_key`, refused unless it looks like an email address."""
    cleaned = email_key(email)
    if len(cleaned) > MAX_EMAIL_LENGTH or not _EMAIL.match(cleaned):
        raise RecordError(
            f"expected an email address such as name@example.org, but got {str(email)[:80]!r}"
        )
    return cleaned


def create_account(
    uow: Session, *, email: str, password_hash: str, role: str, display_name: str
) -> Account:
    if role not in ROLES:
        raise RecordError(f"expected role trainer or client, but got {role!r}")
    account = Account(
        email=normalise_email(email),
        password_hash=password_hash,
        role=role,
        display_name=validate_person_name(display_name),
    )
    try:
        with uow.begin_nested():
            uow.add(account)
    except IntegrityError:
        raise EmailTakenError(f"an account for {account.email} exists already; log in") from None
    return account


def find_account(uow: Session, email: str) -> Account | None:
    try:
        email = normalise_email(email)
    except RecordError:
        return None
    return uow.scalar(select(Account).where(Account.email == email))


# --- login sessions ---


def create_web_session(
    uow: Session, account: Account, *, token_sha256: str, csrf_token: str, ttl_s: int
) -> WebSession:
    """A new login session; expired sessions of every account are removed on the way."""
    now = utcnow()
    uow.execute(delete(WebSession).where(WebSession.expires_at <= now))
    row = WebSession(
        account_id=account.id,
        token_sha256=token_sha256,
        csrf_token=csrf_token,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=ttl_s),
    )
    uow.add(row)
    uow.flush()
    return row


def live_web_session(uow: Session, token_sha256: str) -> WebSession | None:
    """The session for this token unless it has expired (expired rows are removed)."""
    row = uow.scalar(select(WebSession).where(WebSession.token_sha256 == token_sha256))
    if row is None:
        return None
    if row.expires_at <= utcnow():
        uow.delete(row)
        return None
    return row


def end_web_session(uow: Session, token_sha256: str) -> None:
    uow.execute(delete(WebSession).where(WebSession.token_sha256 == token_sha256))


# --- clients ---


class DuplicateClientError(RecordError):
    """The trainer has a client of that name already (ignoring case and spacing)."""


def client_name_key(name: str) -> str:
    """The form two client names are compared in: case-folded, runs of spaces as one."""
    return " ".join(str(name).split()).casefold()


def check_client_name_free(
    uow: Session, trainer: Account, name: str, *, except_id: int | None = None
) -> None:
    """Raise :class:`DuplicateClientError` if another client of ``trainer`` (archived ones
    included) has ``name`` up to case and spacing."""
    key = client_name_key(name)
    for other in uow.scalars(select(Client).where(Client.trainer_id == trainer.id)):
        if other.id != except_id and client_name_key(other.display_name) == key:
            state = " (archived)" if other.archived_at is not None else ""
            raise DuplicateClientError(
                f"you have a client called {other.display_name!r}{state} already; "
                "choose another name (for example add an initial)"
            )


def create_client(
    uow: Session, trainer: Account, display_name: str, *, time_zone: str = "UTC"
) -> Client:
    """A client of ``trainer``; their history is kept on a new person with a unique name."""
    if trainer.role != "trainer":
        raise RecordError("expected a trainer account to own the client")
    name = " ".join(validate_person_name(display_name).split())
    check_client_name_free(uow, trainer, name)
    suffix = f" [web-{uuid.uuid4().hex[:10]}]"  # the person's name stays within its column
    person = Person(
        name=f"{name[: MAX_NAME_LENGTH - len(suffix)]}{suffix}",
        time_zone=validate_time_zone(time_zone),
    )
    client = Client(trainer_id=trainer.id, person=person, display_name=name)
    uow.add(client)
    uow.flush()
    return client


def rename_client(uow: Session, trainer: Account, client: Client, display_name: str) -> Client:
    """Give ``client`` a new display name (unique for the trainer); the history stays."""
    name = " ".join(validate_person_name(display_name).split())
    check_client_name_free(uow, trainer, name, except_id=client.id)
    client.display_name = name
    uow.flush()
    return client


def set_client_archived(uow: Session, client: Client, archived: bool) -> Client:
    """Archive (hide from the list by default) or bring back a client; nothing is deleted."""
    if archived and client.archived_at is None:
        client.archived_at = utcnow()
    elif not archived:
        client.archived_at = None
    uow.flush()
    return client


@dataclass(frozen=True)
class DeletedClientFiles:
    """What a deleted client left on disk: stored upload names and screening ids (keyframes)."""

    upload_names: tuple[str, ...]
    screening_ids: tuple[int, ...]


def delete_client(uow: Session, client: Client) -> DeletedClientFiles:
    """Delete the client, their whole history (the person row and everything on it), upload
    jobs, invites and the client's own login. Returns the files the caller must remove."""
    files = DeletedClientFiles(
        upload_names=tuple(
            str(clip["stored_name"])
            for job in client_jobs(uow, client)
            for clip in job.clips
            if clip.get("stored_name")
        ),
        screening_ids=tuple(s.id for s in client.person.screenings),
    )
    login = uow.get(Account, client.account_id) if client.account_id is not None else None
    person = client.person
    uow.execute(delete(UploadJob).where(UploadJob.client_id == client.id))
    uow.execute(delete(ClientInvite).where(ClientInvite.client_id == client.id))
    uow.delete(client)
    uow.flush()
    uow.delete(person)
    if login is not None:
        uow.delete(login)
    uow.flush()
    return files


def trainer_clients(uow: Session, trainer: Account) -> list[Client]:
    """Every client of ``trainer`` (archived ones too), by name."""
    return list(
        uow.scalars(
            select(Client).where(Client.trainer_id == trainer.id).order_by(Client.display_name)
        )
    )


def client_for(uow: Session, account: Account, client_id: int) -> Client | None:
    """The client if ``account`` may see it (its trainer, or the client's own login)."""
    client = uow.get(Client, client_id)
    if client is None:
        return None
    if account.role == "trainer" and client.trainer_id == account.id:
        return client
    if account.role == "client" and client.account_id == account.id:
        return client
    return None


def own_client(uow: Session, account: Account) -> Client | None:
    """The client record a client login belongs to."""
    return uow.scalar(select(Client).where(Client.account_id == account.id))


# --- invites ---


def create_invite(uow: Session, client: Client, *, token_sha256: str, ttl_s: int) -> ClientInvite:
    now = utcnow()
    row = ClientInvite(
        client_id=client.id,
        token_sha256=token_sha256,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=ttl_s),
    )
    uow.add(row)
    uow.flush()
    return row


def open_invite(uow: Session, token_sha256: str) -> ClientInvite | None:
    row = uow.scalar(select(ClientInvite).where(ClientInvite.token_sha256 == token_sha256))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def accept_invite(uow: Session, invite: ClientInvite, account: Account) -> Client:
    client = uow.get(Client, invite.client_id)
    if client is None or client.account_id is not None:
        raise RecordError("this invite has been used already; ask your trainer for a new one")
    client.account_id = account.id
    invite.used_at = utcnow()
    uow.flush()
    return client


# --- upload jobs ---


def create_job(
    uow: Session, client: Client, *, clips: list[dict[str, Any]], size_bytes: int
) -> UploadJob:
    """A queued job; ``clips`` as documented on :class:`UploadJob`."""
    if not clips:
        raise RecordError("expected at least one clip in an upload job")
    shown = " + ".join(str(c["original_name"]) for c in clips)
    job = UploadJob(
        client_id=client.id,
        status="queued",
        clips=clips,
        original_name=shown[:255],
        size_bytes=size_bytes,
        frames_done=0,
        frames_total=sum(int(c["frames"]) for c in clips),
    )
    uow.add(job)
    uow.flush()
    return job


def update_job(uow: Session, job_id: int, **values: object) -> UploadJob:
    job = uow.get(UploadJob, job_id)
    if job is None:
        raise RecordError(f"expected a stored upload job, but got id {job_id}")
    if "status" in values and values["status"] not in JOB_STATUSES:
        raise RecordError(f"expected a job status in {JOB_STATUSES}, but got {values['status']!r}")
    for key, value in values.items():
        setattr(job, key, value)
    job.updated_at = utcnow()
    return job


def client_jobs(uow: Session, client: Client) -> list[UploadJob]:
    return list(
        uow.scalars(
            select(UploadJob).where(UploadJob.client_id == client.id).order_by(UploadJob.id.desc())
        )
    )
