"""Analytics from the workspace: daily series (aggregated in SQL) and the questions the bot
could not answer (clustered in pure Python)."""
