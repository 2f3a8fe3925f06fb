"""A client for `pagefind --service`, the indexing service behind Pagefind's Python API.

The Python API (pagefind.index) waits a tenth of a second before reading each
answer, so every page or record added costs 0.1 s (a thousand PDF records took
100 s), and it cannot take the finished index back through its pipe (it warns
that `get_files` deadlocks). The protocol itself is simple: each message is
base64-encoded JSON followed by a comma, each answer likewise, matched by
message id. This client writes every request from a thread while it reads the
answers, so neither pipe fills, and returns the index files in memory.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

Message = dict[str, Any]


class ServiceError(Exception):
    """Pagefind could not be started, or refused a request."""


def executable() -> Path:
    """The Pagefind binary, looked for where pagefind.service.get_executable looks:
    PAGEFIND_BINARY_PATH, the pagefind[extended] or pagefind[bin] package, then the
    PATH. Not by calling it: importing pagefind.service imports asyncio, 0.08 s of a
    second build spent before Pagefind could start."""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given is not None:
        return Path(given)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found: Path = importlib.import_module(package).get_executable()
        except ImportError:
            continue
        return found
    external = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if external is None:
        raise ServiceError("no Pagefind binary found")
    return Path(external)


def run(requests: Iterable[Message]) -> list[Message]:
    """Send `requests` (payloads such as {"type": "AddFile", ...}) to one Pagefind
    service, in order; return the answers' payloads in the same order.

    The first request must be the NewIndex; every later one that has an
    `index_id` key gets that index's number. `requests` may be a generator: each
    is encoded only when it is sent, so a big site's pages are not held twice.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            service = subprocess.Popen(
                [str(executable()), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        except OSError as exc:
            raise ServiceError(f"could not start Pagefind: {exc}") from exc
        assert service.stdin is not None and service.stdout is not None
        try:
            return _exchange(service.stdin, service.stdout, iter(requests))
        except ServiceError as exc:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip()
            raise ServiceError(f"{exc}{': ' + said[-500:] if said else ''}") from exc
        finally:
            try:
                service.stdin.close()
            except OSError:  # it stopped with a request unread
                pass
            service.kill()
            service.wait()
            service.stdout.close()


def _exchange(send: IO[bytes], receive: IO[bytes], requests: Iterator[Message]) -> list[Message]:
    answers = _answers(receive)
    # NewIndex first, alone: the other requests need the number of its index.
    [created] = _talk(send, answers, iter([next(requests)]), first=0)
    index_id = created.get("index_id")
    rest = ({**r, "index_id": index_id} if "index_id" in r else r for r in requests)
    return [created, *_talk(send, answers, rest, first=1)]


def _talk(
    send: IO[bytes], answers: Iterator[Message], requests: Iterator[Message], first: int
) -> list[Message]:
    """Write `requests` (numbered from `first`) from a thread while this one reads the
    answers; the thread says which number it sent last, and None when done."""
    sent: queue.SimpleQueue[int | BaseException | None] = queue.SimpleQueue()

    def write() -> None:
        try:
            for number, payload in enumerate(requests, start=first):
                for piece in encoded({"message_id": number, "payload": payload}):
                    send.write(piece)
                send.write(b",")
                send.flush()
                sent.put(number)
        except BaseException as exc:  # noqa: BLE001 - raised by the reading thread
            sent.put(exc)
        sent.put(None)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    got: dict[int, Message] = {}
    # On a failure the caller stops the service, which unblocks the writing thread.
    while (number := sent.get()) is not None:
        if isinstance(number, OSError):  # the service stopped reading
            raise ServiceError(f"Pagefind stopped reading: {number}")
        if isinstance(number, BaseException):  # a request that could not be encoded
            raise number
        while number not in got:
            answer = next(answers, None)
            if answer is None:
                raise ServiceError("Pagefind stopped before answering")
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                raise ServiceError(f"Pagefind refused a request: {payload.get('message')}")
            if isinstance(answer.get("message_id"), int):
                got[answer["message_id"]] = payload
    writer.join()
    return [got[n] for n in range(first, first + len(got))]


PIECE = 1 << 20  # characters of a page's text escaped and encoded at a time


def encoded(message: Message) -> Iterator[bytes]:
    """`message` as base64 JSON, in pieces: a page's text is escaped and encoded a
    piece at a time. Whole, a page was held five times over while it was sent (text,
    JSON, bytes, base64, base64 with its comma): 300 MB for the estimator page of a
    10,000-service catalog, the build's largest passing cost."""
    payload = message["payload"]
    text = payload.get("file_contents")
    if not isinstance(text, str) or len(text) <= PIECE:
        yield base64.b64encode(json.dumps(message).encode("utf-8"))
        return
    rest = {key: value for key, value in payload.items() if key != "file_contents"}
    head = json.dumps({**message, "payload": rest})[:-2]  # without the closing "}}"
    pieces = chain(
        [f'{head}, "file_contents": "'.encode()],
        (json.dumps(text[at : at + PIECE])[1:-1].encode() for at in range(0, len(text), PIECE)),
        [b'"}}'],
    )
    carry = b""  # base64 takes three bytes at a time: the rest waits for the next piece
    for piece in pieces:
        data = carry + piece
        cut = len(data) - len(data) % 3
        carry = data[cut:]
        yield base64.b64encode(data[:cut])
    yield base64.b64encode(carry)


def _answers(receive: IO[bytes]) -> Iterator[Message]:
    """The service's answers as they come: base64 JSON, each ended by a comma."""
    parts: list[bytes] = []
    while chunk := receive.read1(1 << 16):  # type: ignore[attr-defined]
        start = 0  # where the next answer starts: a chunk holds hundreds of short ones
        while (comma := chunk.find(b",", start)) >= 0:
            parts.append(chunk[start:comma])
            start = comma + 1
            raw, parts = b"".join(parts), []
            if raw.strip():
                yield json.loads(base64.b64decode(raw))
        parts.append(chunk[start:])
