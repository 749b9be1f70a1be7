"""A threading server runs each request's handler on a thread of its own, many at once: the
handler's own object is per request, module- and class-level state is shared by them all."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseRequestHandler, ThreadingMixIn, TCPServer

_hits = 0
_sessions = {}
_sessions_lock = threading.Lock()


def session_for(token):
    if token not in _sessions:  # expect: PAR701 [fix]
        _sessions[token] = {"token": token, "seen": 0}
    return _sessions[token]


class ApiHandler(BaseHTTPRequestHandler):
    cache = {}

    def do_GET(self):
        global _hits
        _hits += 1  # expect: PAR601 [fix]
        session = session_for(self.headers.get("token", ""))
        self.served = True  # the handler object is this request's own
        body = json.dumps(session).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path not in ApiHandler.cache:  # expect: PAR701 [fix]
            ApiHandler.cache[self.path] = self.rfile.read(10)
        with _sessions_lock:
            if self.path not in _sessions:
                _sessions[self.path] = {}


def serve_api(port):
    with ThreadingHTTPServer(("127.0.0.1", port), ApiHandler) as server:
        server.serve_forever()


class EchoServer(ThreadingMixIn, TCPServer):
    daemon_threads = True


_echoed = []


class EchoHandler(BaseRequestHandler):
    def handle(self):
        data = self.request.recv(1024)
        if not _echoed:  # expect: PAR701 [fix]
            _echoed.append(data)
        self.request.sendall(data)


def serve_echo(port):
    with EchoServer(("127.0.0.1", port), EchoHandler) as server:
        server.serve_forever()


# Not reported: a server that handles one request at a time.

_single = {}


class SerialHandler(BaseRequestHandler):
    def handle(self):
        if "first" not in _single:
            _single["first"] = self.request.recv(16)


def serve_serially(port):
    with TCPServer(("127.0.0.1", port), SerialHandler) as server:
        server.serve_forever()
