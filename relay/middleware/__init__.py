"""One middleware per concern; ``relay.app`` installs them in order."""
