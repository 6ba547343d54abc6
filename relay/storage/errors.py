"""Errors of the relay's storage, each a sentence an operator or merchant can act on."""

from __future__ import annotations


class StorageError(Exception):
    """The relay database cannot do what was asked; the message says why."""


class BundleError(StorageError):
    """A published bundle is not usable; ``field`` names the part that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class TeamError(StorageError):
    """A change to the team was refused; ``code`` is ``not_found`` or ``last_admin``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


KEY_MISMATCH = (
    "The relay key does not match the one these credentials were stored with ({what}). "
    "Start the relay with its original key (STOREDESK_RELAY_KEY or the relay.key file in its "
    "data folder). If that key is lost the credentials cannot be recovered: move the relay "
    "database aside, start the relay, pair the console again and publish."
)
