"""A status endpoint that serves until `stop()`: the loop of `safe_start` tests `ready`."""
import socket


class StatusServer:
    def __init__(self, port):
        self.port = port
        self.ready = False
        self._socket = None

    def safe_start(self):
        self._socket = socket.create_server(("127.0.0.1", self.port))
        self._socket.settimeout(0.5)
        self.ready = True
        while self.ready:
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            with conn:
                conn.sendall(b"OK\n")

    def stop(self):
        self.ready = False


class Snapshot:
    """Writes one report and returns: nothing to stop."""

    def __init__(self, path):
        self.path = path

    def write(self):
        with open(self.path, "w", encoding="utf-8") as out:
            out.write("ok\n")
