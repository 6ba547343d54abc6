"""The Storedesk console: the desktop application and, with a sub-command, its headless CLI."""
