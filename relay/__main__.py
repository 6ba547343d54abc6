"""``python -m relay`` is ``storedesk-relay``."""

from relay.cli import run

run()
