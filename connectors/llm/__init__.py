"""An OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp's server, hosted
services): the agent's model. Not a store platform, but reached the way connectors reach
stores: a thin client over an injected ``httpx.AsyncClient``."""
