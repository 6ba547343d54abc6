"""The Storedesk relay: the public aiohttp service that serves the widget and runs the bot."""
