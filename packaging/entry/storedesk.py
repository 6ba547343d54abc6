"""The console's executable in the installed bundle: ``storedesk`` (window or command line)."""

from console.cli import run

run()
