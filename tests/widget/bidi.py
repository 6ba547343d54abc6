"""A small WebDriver BiDi client: Debian's Firefox ESR driven over its own remote protocol
(``--remote-debugging-port``), with nothing to download. Clicks and typing are real input
(``input.performActions``); each tab lives in its own user context (its own storage).

Used where Playwright cannot drive that Firefox (``tests.widget.browsers``): the widget's
Firefox tests then still run, through this.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

_READY = re.compile(r"WebDriver BiDi listening on (ws://\S+)")
ENTER = "\ue007"
PREFS: dict[str, Any] = {
    "browser.shell.checkDefaultBrowser": False,
    "app.update.auto": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "network.captive-portal-service.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "extensions.update.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",  # no remote settings fetched
}


class BidiError(Exception):
    pass


@dataclass
class Seen:
    """What a tab showed that a test may need to refuse: dialogs and uncaught errors."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Firefox:
    def __init__(self, process: asyncio.subprocess.Process, http: aiohttp.ClientSession) -> None:
        self._process = process
        self._http = http
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.seen: dict[str, Seen] = {}  # per browsing context
        self.version = ""

    @classmethod
    async def start(cls, path: Path, profile: Path) -> Firefox:
        profile.mkdir(parents=True, exist_ok=True)
        prefs = "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items())
        (profile / "user.js").write_text(prefs, encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            str(path),
            "--headless",
            "--no-remote",
            "--remote-debugging-port=0",
            "--profile",
            str(profile),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        firefox = cls(process, aiohttp.ClientSession())
        try:
            url = await asyncio.wait_for(firefox._listening(), timeout=60)
            await firefox._connect(url)
        except BaseException:
            await firefox.close()
            raise
        return firefox

    async def _listening(self) -> str:
        stream = self._process.stderr
        assert stream is not None
        while line := (await stream.readline()).decode(errors="replace"):
            found = _READY.search(line)
            if found:
                self._tasks.append(asyncio.ensure_future(self._drain(stream)))
                return found.group(1)
        raise BidiError("Firefox ended before it offered WebDriver BiDi")

    @staticmethod
    async def _drain(stream: asyncio.StreamReader) -> None:
        """Keep reading Firefox's log so a full pipe never blocks it."""
        while await stream.read(65536):
            pass

    async def _connect(self, url: str) -> None:
        self._ws = await self._http.ws_connect(url.rstrip("/") + "/session", max_msg_size=0)
        self._tasks.append(asyncio.ensure_future(self._read()))
        started = await self.call("session.new", {"capabilities": {}})
        self.version = str(started["capabilities"].get("browserVersion", ""))
        events = ["browsingContext.userPromptOpened", "log.entryAdded"]
        await self.call("session.subscribe", {"events": events})

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            waiter = self._waiting.pop(data.get("id", -1), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(data)
            elif data.get("type") == "event":
                await self._event(data["method"], data.get("params", {}))
        for waiter in self._waiting.values():
            if not waiter.done():
                waiter.set_exception(BidiError("Firefox closed the WebDriver BiDi connection"))

    async def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "browsingContext.userPromptOpened":
            context = str(params.get("context"))
            self.seen.setdefault(context, Seen()).dialogs.append(str(params.get("message")))
            dismiss = {"context": context, "accept": False}
            self._tasks.append(
                asyncio.ensure_future(self.call("browsingContext.handleUserPrompt", dismiss))
            )
        elif method == "log.entryAdded" and params.get("type") == "javascript":
            context = str((params.get("source") or {}).get("context"))
            self.seen.setdefault(context, Seen()).errors.append(str(params.get("text")))

    async def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if self._ws is None:
            raise BidiError("not connected")
        number = next(self._ids)
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[number] = waiter
        await self._ws.send_str(json.dumps({"id": number, "method": method, "params": params}))
        answer = await asyncio.wait_for(waiter, timeout=60)
        if answer.get("type") == "error":
            raise BidiError(f"{method}: {answer.get('error')}: {answer.get('message')}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    async def tab(self) -> Tab:
        """A new tab in a user context of its own (fresh cookies and storage)."""
        user = (await self.call("browser.createUserContext", {}))["userContext"]
        created = await self.call("browsingContext.create", {"type": "tab", "userContext": user})
        context = str(created["context"])
        await self.call(
            "browsingContext.setViewport",
            {"context": context, "viewport": {"width": 1280, "height": 800}},
        )
        return Tab(self, context, self.seen.setdefault(context, Seen()))

    async def close(self) -> None:
        if self._ws is not None and not self._ws.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.call("browser.close", {}), timeout=10)
            await self._ws.close()
        await self._http.close()
        if self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), timeout=20)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class Tab:
    def __init__(self, firefox: Firefox, context: str, seen: Seen) -> None:
        self.firefox = firefox
        self.context = context
        self.seen = seen

    async def goto(self, url: str) -> None:
        params = {"context": self.context, "url": url, "wait": "complete"}
        await self.firefox.call("browsingContext.navigate", params)

    async def js(self, expression: str) -> Any:
        """``expression``'s value (JSON-like values only)."""
        found = await self._evaluate(expression)
        return _value(found)

    async def _evaluate(self, expression: str) -> dict[str, Any]:
        answer = await self.firefox.call(
            "script.evaluate",
            {"expression": expression, "target": {"context": self.context}, "awaitPromise": True},
        )
        if answer.get("type") == "exception":
            details = answer.get("exceptionDetails", {})
            raise BidiError(f"{expression!r} threw: {details.get('text')}")
        result: dict[str, Any] = answer["result"]
        return result

    async def wait(
        self, expression: str, what: str, timeout: float = 15.0, *, shown: str | None = None
    ) -> Any:
        """Poll ``expression`` until it is truthy; its value. On a timeout the error says what
        ``shown`` (an expression) showed then."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = await self.js(expression)
            if value:
                return value
            if loop.time() > deadline:
                seen = f"; it showed: {await self.js(shown)!r}" if shown else ""
                raise AssertionError(f"timed out waiting for {what}{seen}")
            await asyncio.sleep(0.1)

    async def click(self, element: str) -> None:
        """A real mouse click in the middle of the element ``element`` evaluates to (first
        scrolled into view, as a person would)."""
        found = await self._evaluate(
            f"(e => {{ e?.scrollIntoView({{block: 'center'}}); return e; }})({element})"
        )
        if found.get("type") != "node":
            raise BidiError(f"{element!r} is not an element")
        origin = {"type": "element", "element": {"sharedId": found["sharedId"]}}
        pointer = [
            {"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0},
        ]
        await self._act([{"type": "pointer", "id": "mouse", "actions": pointer}])

    async def type(self, text: str) -> None:
        """Key presses, one character at a time, into the focused element."""
        keys: list[dict[str, Any]] = []
        for char in text:
            keys += [{"type": "keyDown", "value": char}, {"type": "keyUp", "value": char}]
        await self._act([{"type": "key", "id": "keyboard", "actions": keys}])

    async def _act(self, actions: list[dict[str, Any]]) -> None:
        await self.firefox.call(
            "input.performActions", {"context": self.context, "actions": actions}
        )
        await self.firefox.call("input.releaseActions", {"context": self.context})


def _value(remote: dict[str, Any]) -> Any:
    kind = remote.get("type")
    if kind in ("undefined", "null"):
        return None
    if kind in ("string", "boolean"):
        return remote["value"]
    if kind == "number":
        value = remote["value"]
        return value if not isinstance(value, str) else float("nan")
    if kind == "array":
        return [_value(item) for item in remote.get("value", [])]
    if kind == "object":
        return {str(_value(k) if isinstance(k, dict) else k): _value(v) for k, v in remote["value"]}
    return kind  # a node, a function…: its kind is enough for a truth test
