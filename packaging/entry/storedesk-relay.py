"""The relay's executable in the installed bundle: ``storedesk-relay`` (the demo's local relay,
or a relay run from the desktop package)."""

from relay.cli import run

run()
