"""One module per screen of the console. Each screen is a ``View``."""
