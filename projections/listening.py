"""Waking a projector in a process of its own when the log grows.

The chained insert NOTIFYs the events table's channel in the transaction that appends (see
audit.chain). A `tsunagi project` process LISTENs on it and wakes its views, so a write
reaches the views in milliseconds instead of at the next poll; the poll stays, slower, in
case a notification is ever missed. An embedded projector needs none of this: the
application wakes it directly after each save.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

log = logging.getLogger(__name__)  # rendered by structlog, configured at the edge

WAIT_SECONDS = 0.5  # how often the listening thread looks up to see whether to stop


class LogListener:
    """LISTEN on the events table's channel, on a connection held for the purpose, and call
    ``wake`` for each notification; reconnect with backoff when the database goes away."""

    def __init__(self, recorder: PostgresApplicationRecorder, wake: Callable[[], None]) -> None:
        self._recorder = recorder
        self._wake = wake
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="log-listener")
        self.listening = threading.Event()  # set while LISTEN is in effect

    def start(self) -> LogListener:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                self._listen()
                backoff = 0.1
            except (psycopg.Error, PersistenceError) as exc:
                self.listening.clear()
                log.warning("listen_failed", extra={"error": str(exc), "retry_in": backoff})
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def _listen(self) -> None:
        channel = Identifier(self._recorder.channel_name)
        with self._recorder.datastore.get_connection() as conn:
            conn.execute(SQL("LISTEN {0}").format(channel))
            try:
                self.listening.set()
                self._wake()  # whatever was appended before LISTEN took effect
                while not self._stopping.is_set():
                    for _ in conn.notifies(timeout=WAIT_SECONDS, stop_after=1):
                        self._wake()
            finally:
                self.listening.clear()
                if not conn.closed:  # back to the pool listening to nothing
                    conn.execute(SQL("UNLISTEN {0}").format(channel))
