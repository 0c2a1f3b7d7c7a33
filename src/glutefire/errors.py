"""User-facing errors: each carries one clear line that the CLI prints instead of a traceback."""

from __future__ import annotations


class GlutefireError(Exception):
    """Base class for problems caused by the input, not by a bug. ``str(err)`` is shown to users."""

    exit_code = 2


class InputFileError(GlutefireError):
    """A file is missing, unreadable, or not of the expected kind."""


class NoPersonError(GlutefireError):
    """No person was found in the clip."""


class SeveralPeopleError(GlutefireError):
    """Several people are equally likely to be the subject; the user must choose."""


class OutOfFrameError(GlutefireError):
    """Part of the body needed for the test is outside the image."""


class ViewError(GlutefireError):
    """The camera view is not one the test can use, or cannot be recognised."""


class TooFewRepsError(GlutefireError):
    """The clip is too short or holds no complete repetition."""


class KeypointFormatError(GlutefireError):
    """A keypoint file does not follow its documented format."""


class ModelUnavailableError(GlutefireError):
    """The requested pose model is not available offline."""


class LibraryError(GlutefireError):
    """A packaged data file (exercise library, rules) does not follow its documented format."""


class IntakeError(GlutefireError):
    """Questionnaire answers are missing, malformed or out of range."""


class FindingsError(GlutefireError):
    """A screening result file does not follow the documented format."""


class PlanError(GlutefireError):
    """A plan cannot be built from the given options (e.g. too little time per session)."""


class DatabaseError(GlutefireError):
    """The database cannot be opened, or its URL is not one we support."""


class PersonNotFoundError(GlutefireError):
    """No person of that name is stored."""


class RecordError(GlutefireError):
    """A record (screening, plan, session, import) does not follow its documented format."""


class TrainingLogFormatError(GlutefireError):
    """A training-log CSV is not a format we can read."""
