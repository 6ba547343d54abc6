"""Any error a screen meets, as a sentence a merchant understands with a way forward."""

from __future__ import annotations

from console.relay_client import RelayError
from console.runtime import CliError, exit_code_for


def sentence_for(err: BaseException) -> str:
    if isinstance(err, (CliError, RelayError)):
        return _capital(str(err))
    if isinstance(err, Exception):
        # the window has no --verbose: start it with `storedesk -v` to log the details
        text = exit_code_for(err)[1].replace(
            "run again with --verbose for details.", "start Storedesk with -v to log the details."
        )
        return _capital(text)
    return "Something went wrong; try again."


def _capital(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else "Something went wrong; try again."
