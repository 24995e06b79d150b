"""The one error tree. Every failure garrison reports on purpose is a GarrisonError.

Third-party exceptions are translated into these at the boundary where they occur, so the
CLI can turn any of them into one line on stderr and exit code 2.
"""


class GarrisonError(Exception):
    """Root of every error garrison raises on purpose."""


class InputError(GarrisonError):
    """A file, argument or document given by the user cannot be used."""


class ConfigError(GarrisonError):
    """A setting, flag or environment variable is invalid."""


class VersionError(InputError):
    """A version string or ecosystem cannot be understood."""


class InvalidVersionError(VersionError):
    """A version string is not valid for its ecosystem."""

    def __init__(self, ecosystem: str, version: str, reason: str = "") -> None:
        self.ecosystem = ecosystem
        self.version = version
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"invalid {ecosystem} version {version!r}{detail}")


class UnknownEcosystemError(VersionError):
    """An ecosystem name garrison has no version rules for."""

    def __init__(self, ecosystem: str) -> None:
        self.ecosystem = ecosystem
        super().__init__(f"unknown ecosystem {ecosystem!r}")


class AdvisoryError(InputError):
    """An OSV advisory, or a source of advisories, is malformed."""


class DatabaseError(GarrisonError):
    """The vulnerability database is missing, unreadable, foreign or too old."""


class StaleDatabaseError(DatabaseError):
    """The vulnerability database is older than the configured hard limit."""


class FetchError(GarrisonError):
    """A download failed or was incomplete."""


class SbomError(InputError):
    """An SBOM document cannot be read."""


class IncompleteError(InputError):
    """--strict: the inventory or scan has gaps (unread files, unknown versions...)."""


class ImageError(InputError):
    """A container image (archive, layout, layer or manifest) cannot be used."""


class RegistryError(GarrisonError):
    """A registry refused, failed, timed out or answered something unusable."""


class SecretsError(InputError):
    """The secret scanner cannot run as asked (bad detector file, bad exclude, bad salt)."""


class HistoryError(InputError):
    """A git history cannot be read (not a repository, unknown ref, git missing or failing)."""


class SastError(InputError):
    """A code analyzer cannot run or its output (e.g. a SARIF file) cannot be used."""


class PolicyError(InputError):
    """A policy file, baseline or VEX document cannot be used (one line: FILE:LINE: key: why)."""
