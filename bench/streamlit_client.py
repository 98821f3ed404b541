"""A Streamlit session without a browser: Streamlit's own websocket protocol, for load tests.

One :class:`Session` is what one browser tab is to the server: a websocket to
``/_stcore/stream`` that sends ``BackMsg`` protobufs (a script run with the page, the URL's
query string and the widget values; a file-URL request before an upload; a deferred download)
and reads the ``ForwardMsg`` protobufs the server answers with (the elements drawn, the query
string the app writes, ``script_finished``). It draws nothing and runs no JavaScript, so it
costs the machine almost nothing besides the server's own work; the map's Leaflet frame is not
loaded (what the server sends for it is the same).

As a browser does, every run sends the values set on the widgets the last run drew (a
button's click goes with one run only).

    async with Session.open("http://127.0.0.1:8501") as session:
        run = await session.run("coverage", query="group=disabled")
        groups = run.widget("multiselect", "服务群体")
        await session.run("coverage", values={groups.id: ["残疾人"]})
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

Value = bool | str | int | float | Sequence[str] | Sequence["Upload"]


@dataclass(frozen=True)
class Element:
    """One element the server drew: its type, label (or text) and widget id, and the proto."""

    kind: str
    label: str
    id: str
    proto: Any = field(repr=False)


@dataclass(frozen=True)
class Upload:
    """A file as the file uploader reports it once the bytes are on the server."""

    file_id: str
    name: str
    size: int
    upload_url: str
    delete_url: str


@dataclass
class Run:
    """One script run as the client saw it, until the server said it finished."""

    page: str
    seconds: float = 0.0
    elements: list[Element] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions the app showed (with showErrorDetails none: a generic text)."""
        return [e.label for e in self.elements if e.kind == "exception"]

    def texts(self, kind: str | None = None) -> list[str]:
        """The labels and texts drawn, of one element type or all."""
        return [e.label for e in self.elements if kind is None or e.kind == kind]

    def widget(self, kind: str, label: str) -> Element:
        """The first widget of ``kind`` whose label is ``label`` (KeyError when none)."""
        for element in self.elements:
            if element.kind == kind and element.label == label:
                return element
        drawn = sorted({e.label for e in self.elements if e.kind == kind})
        raise KeyError(f"no {kind} {label!r} in the run of {self.page}; drawn: {drawn}")


class ServerError(RuntimeError):
    """The server refused or failed a request of the session."""


class Session:
    """One Streamlit session over a websocket (see the module docstring)."""

    def __init__(self, base_url: str, connection: Any, xsrf: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.query = ""  # the URL's query string, as the app last wrote it
        self.session_id = ""
        self._values: dict[str, Value] = {}
        self._drawn: set[str] = set()  # the widgets of the last run
        self._connection = connection
        self._xsrf = xsrf

    @classmethod
    @asynccontextmanager
    async def open(cls, base_url: str, *, timeout_s: float = 300) -> AsyncIterator[Session]:
        """Connect as a browser tab does (XSRF cookie first, then the websocket)."""
        xsrf = await asyncio.to_thread(_xsrf_cookie, base_url)
        address = urlsplit(base_url)
        async with websockets.connect(
            f"ws://{address.netloc}/_stcore/stream",
            subprotocols=["streamlit", xsrf],  # type: ignore[list-item]
            additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"},
            max_size=None,
            open_timeout=timeout_s,
            ping_timeout=timeout_s,
        ) as connection:
            yield cls(base_url, connection, xsrf)

    async def run(
        self, page: str, *, query: str | None = None, values: Mapping[str, Value] | None = None
    ) -> Run:
        """Run ``page`` (its URL path) with ``values`` for the widgets (by id), as a page load
        or a widget change does; return once the server says the run finished.

        Runs the app starts itself (``st.rerun``, ``st.switch_page``) are followed to the end.
        """
        if query is not None:
            self.query = query
        message = BackMsg()
        state = message.rerun_script
        state.page_name = page
        state.query_string = self.query
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.locale = "zh-CN"
        # as a browser does: the values set on the widgets drawn go with every run, a click
        # with one run only
        kept = {k: v for k, v in self._values.items() if k in self._drawn}
        for widget_id, value in {**kept, **(values or {})}.items():
            _set_value(state.widget_states.widgets.add(), widget_id, value)
        self._values.update((k, v) for k, v in (values or {}).items() if v is not True)
        started = time.perf_counter()
        await self._connection.send(message.SerializeToString())
        run = Run(page)
        while True:
            reply = await self._receive()
            if reply.WhichOneof("type") == "new_session":
                run = Run(page)  # a rerun the app asked for starts the page again
            if self._finished(reply, run):
                run.seconds = time.perf_counter() - started
                self._drawn = {e.id for e in run.elements if e.id}
                return run

    def _finished(self, reply: ForwardMsg, run: Run) -> bool:
        """Take one message of a run; True when the server says the run is done."""
        kind = reply.WhichOneof("type")
        if kind == "new_session":
            self.session_id = reply.new_session.initialize.session_id
        elif kind == "page_info_changed":
            self.query = reply.page_info_changed.query_string
        elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
            run.elements.append(_element(reply.delta.new_element))
        elif kind == "script_finished":
            if reply.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise ServerError(f"{run.page}: the app did not compile")
            return bool(reply.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY)
        return False

    async def download(self, button: Element) -> bytes:
        """The file behind a download button (a deferred one is made now, as on a click)."""
        return await self.fetch(await self.file_url(button))

    async def file_url(self, button: Element) -> str:
        """The address of the file behind a download button; a deferred file is made now, as
        on a click, and the address is what the browser is then sent to fetch."""
        if not button.proto.deferred_file_id:
            return str(button.proto.url)
        message = BackMsg()
        request = message.backend_operation_request
        request.request_id = uuid.uuid4().hex
        request.session_id = self.session_id
        request.deferred_file.file_id = button.proto.deferred_file_id
        await self._connection.send(message.SerializeToString())
        while True:
            reply = await self._receive()
            response = reply.backend_operation_response
            if reply.WhichOneof("type") == "backend_operation_response" and (
                response.request_id == request.request_id
            ):
                if response.error_msg:
                    raise ServerError(f"{button.label}: {response.error_msg}")
                return str(response.deferred_file.url)

    async def fetch(self, url: str) -> bytes:
        """GET a file the server serves (``urllib.error.HTTPError`` when it answers an error)."""
        return await asyncio.to_thread(self._http, "GET", url, None, {})

    async def upload(self, files: Sequence[tuple[str, bytes]]) -> list[Upload]:
        """Put ``files`` on the server as a file uploader does before its value is sent."""
        message = BackMsg()
        request = message.file_urls_request
        request.request_id = uuid.uuid4().hex
        request.session_id = self.session_id
        request.file_names.extend(name for name, _ in files)
        await self._connection.send(message.SerializeToString())
        while True:
            reply = await self._receive()
            response = reply.file_urls_response
            if reply.WhichOneof("type") == "file_urls_response" and (
                response.response_id == request.request_id
            ):
                if response.error_msg:
                    raise ServerError(response.error_msg)
                urls = list(response.file_urls)
                break
        uploads = []
        for (name, data), url in zip(files, urls, strict=True):
            body, content_type = _multipart(name, data)
            headers = {"Content-Type": content_type, "X-Xsrftoken": self._xsrf}
            await asyncio.to_thread(self._http, "PUT", url.upload_url, body, headers)
            uploads.append(Upload(url.file_id, name, len(data), url.upload_url, url.delete_url))
        return uploads

    async def _receive(self) -> ForwardMsg:
        """The server's next message (``ConnectionClosed`` when it hangs up)."""
        reply = ForwardMsg()
        reply.ParseFromString(await self._connection.recv())
        return reply

    def _http(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        target = url if url.startswith("http") else self.base_url + url
        request = urllib.request.Request(target, data=body, method=method, headers=headers)
        request.add_header("Cookie", f"_streamlit_xsrf={self._xsrf}")
        with urllib.request.urlopen(request, timeout=600) as response:
            return bytes(response.read())


def _xsrf_cookie(base_url: str) -> str:
    """The XSRF cookie the server hands out with its health check (as the page gets it)."""
    with urllib.request.urlopen(base_url.rstrip("/") + "/_stcore/health", timeout=60) as reply:
        cookie = SimpleCookie()
        for header in reply.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
    return cookie["_streamlit_xsrf"].value


def _element(element: Any) -> Element:
    kind = element.WhichOneof("type")
    inner = getattr(element, kind)
    label = getattr(inner, "label", "") or getattr(inner, "body", "")
    if kind == "exception":
        label = f"{inner.type}: {inner.message}"
    return Element(kind, str(label), str(getattr(inner, "id", "")), inner)


def _set_value(state: Any, widget_id: str, value: Value) -> None:
    state.id = widget_id
    if isinstance(value, bool):
        state.trigger_value = value  # a button: True for the one run after the click
    elif isinstance(value, str):
        state.string_value = value
    elif isinstance(value, int):
        state.int_value = value
    elif isinstance(value, float):
        state.double_value = value
    elif all(isinstance(v, Upload) for v in value):
        for upload in value:
            info = state.file_uploader_state_value.uploaded_file_info.add()
            info.file_id, info.name, info.size = upload.file_id, upload.name, upload.size
            info.file_urls.file_id = upload.file_id
            info.file_urls.upload_url = upload.upload_url
            info.file_urls.delete_url = upload.delete_url
    else:
        state.string_array_value.data.extend(str(v) for v in value)


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )
