"""A thin client for the merchant's JSON API: one GET per endpoint template."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from connectors.http import decode_json, send
from connectors.rest.errors import PLATFORM, from_status
from connectors.rest.mapping import RestMapping


class RestClient:
    def __init__(
        self, base_url: str, mapping: RestMapping, key: str, http: httpx.AsyncClient
    ) -> None:
        self.base_url = base_url  # checked by ``create`` (connectors.http.check_base_url)
        self._mapping = mapping
        self._key = key
        self._http = http

    def __repr__(self) -> str:
        return f"RestClient({self.base_url!r})"  # never the key

    def has(self, endpoint: str) -> bool:
        return endpoint in self._mapping.endpoints

    def url(self, endpoint: str, **values: str) -> str:
        """The endpoint's template filled with URL-encoded values."""
        encoded = {k: quote(v, safe="") for k, v in values.items()}
        return self.base_url + self._mapping.endpoints[endpoint].format_map(encoded)

    async def get(self, endpoint: str, **values: str) -> Any | None:
        """The decoded JSON body, or ``None`` on 404."""
        response = await send(
            self._http, PLATFORM, "GET", self.url(endpoint, **values), headers=self._headers()
        )
        error = from_status(response)
        if error is not None:
            raise error
        if response.status_code == 404:
            return None
        return decode_json(PLATFORM, response)

    def _headers(self) -> dict[str, str]:
        auth = self._mapping.auth
        if auth == "none" or not self._key:
            return {}
        if auth == "bearer":
            return {"Authorization": f"Bearer {self._key}"}
        return {self._mapping.header: self._key}
