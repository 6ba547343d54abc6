"""The optional language-model agent: a chat-completions model answering shoppers through
the same tools and verification as the deterministic bot.

Pure like ``core.bot``: the model is injected (``core.agent.model.ChatModel``). Nothing here is
imported unless a widget turns the agent on (the relay imports the modules it needs lazily).
"""
