"""Fixtures: a small real dataset on disk and a real HTTP server on 127.0.0.1 with fault injection."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from gameir.distribution.serve import DatasetRequestHandler, make_server
from gameir.shards.manifest import rebuild_manifest
from gameir.shards.synthetic import synthetic_frame
from gameir.shards.writer import ShardWriter


def write_dataset(root: Path, train_clips: int = 3, frames: int = 3) -> dict:
    """``train_clips`` clips in train and one in val, every buffer at LR 24x32 / HR 48x64; real shards."""
    for i, split in enumerate(["train"] * train_clips + ["val"]):
        clip = f"clip-{i:03d}"
        with ShardWriter(root / split / f"{clip}.h5", shapes_hw={"lr": (24, 32), "hr": (48, 64)},
                         buffers=("rgb", "depth", "semantic", "motion"), clip_id=clip, split=split,
                         scene={"family": "synthetic", "seed": i}) as writer:
            for f in range(frames):
                writer.write_frame({"lr": synthetic_frame(24, 32, seed=i, frame=f, buffers=writer.buffers),
                                    "hr": synthetic_frame(48, 64, seed=i, frame=f, buffers=writer.buffers)})
    return rebuild_manifest(root)


class _Dropped(ConnectionResetError):
    pass


class FaultHandler(DatasetRequestHandler):
    """The real serve handler plus faults configured on ``server.faults`` (keyed by URL path):

    ``fail500[path]``: answer that many requests with HTTP 500 first; ``drop_after[path]``: close every
    connection after this many body bytes; ``corrupt[path]``: flip one byte in that many responses;
    ``delay_s``: sleep per chunk (throttle), ``chunk``: chunk bytes; ``ignore_range``: answer 200 to
    Range requests.
    """

    def do_GET(self) -> None:
        faults = self.server.faults
        path = urllib.parse.urlsplit(self.path).path
        with self.server.counter_lock:
            self.server.requests.append((path, self.headers.get("Range")))
            if faults["fail500"].get(path, 0) > 0:
                faults["fail500"][path] -= 1
                fail = True
            else:
                fail = False
            corrupt = faults["corrupt"].get(path, 0) > 0
            if corrupt:
                faults["corrupt"][path] -= 1
        if fail:
            self.send_error(500, "injected failure")
            return
        if faults.get("ignore_range"):
            del self.headers["Range"]  # behave like a server without Range support: 200, whole file
        self._sent = 0
        self._corrupt = corrupt
        self._drop = faults["drop_after"].get(path)
        with self.server.counter_lock:
            self.server.active += 1
        try:
            super().do_GET()
        except _Dropped:
            self.close_connection = True
        finally:
            with self.server.counter_lock:
                self.server.active -= 1

    def copy_body(self, fh, length: int) -> None:
        path = urllib.parse.urlsplit(self.path).path
        left = length
        while left > 0:
            block = fh.read(min(self.server.faults["chunk"], left))
            if not block:
                break
            if self._corrupt:
                block = bytes([block[0] ^ 0xFF]) + block[1:]
                self._corrupt = False
            if self._drop is not None and self._sent + len(block) > self._drop:
                block = block[: self._drop - self._sent]
                self.wfile.write(block)
                self.server.count(path, len(block))
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                raise _Dropped()
            self.wfile.write(block)
            self._sent += len(block)
            self.server.count(path, len(block))
            left -= len(block)
            if self.server.faults["delay_s"]:
                time.sleep(self.server.faults["delay_s"])


def start_server(root: Path, handler=FaultHandler):
    server = make_server(root, host="127.0.0.1", port=0, quiet=True, handler=handler)
    server.faults = {"fail500": {}, "drop_after": {}, "corrupt": {}, "delay_s": 0.0, "chunk": 1 << 16}
    server.requests = []
    server.active = 0  # GET requests being answered right now
    server.wait_idle = lambda timeout_s=20.0: wait_idle(server, timeout_s)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread


def wait_idle(server, timeout_s: float = 20.0) -> None:
    """Wait until no GET is in flight (e.g. a handler still writing to a killed client)."""
    deadline = time.monotonic() + timeout_s
    while server.active and time.monotonic() < deadline:
        time.sleep(0.01)
    if server.active:
        raise TimeoutError(f"{server.active} requests still in flight after {timeout_s} s")


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """A pristine published dataset (never modified by tests; copy it to change it)."""
    root = tmp_path_factory.mktemp("published")
    write_dataset(root)
    return root


@pytest.fixture()
def server_for():
    """``server_for(root)`` starts a fault-injecting server on 127.0.0.1 for ``root``; stopped after the test."""
    running = []

    def start(root: Path, handler=FaultHandler):
        server, thread = start_server(root, handler)
        running.append((server, thread))
        return server

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture()
def served(published, tmp_path, server_for):
    """A private copy of the published dataset behind a fault-injecting server on 127.0.0.1."""
    root = tmp_path / "served"
    shutil.copytree(published, root)
    return server_for(root)
