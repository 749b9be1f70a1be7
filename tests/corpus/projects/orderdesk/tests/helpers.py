"""Test helpers that start servers of the project on threads (cheroot's fixture shapes).

Not reported: a server handed back to the caller, who can `stop()` it; a server whose `stop`
is registered with pytest's `addfinalizer` by the starting function; a server kept on the
class and stopped by a classmethod. Reported: a server nobody can reach, one the starting
function stops itself without joining its thread, and a project object with nothing to stop.
"""
import threading
import time

from orderdesk.status import Snapshot, StatusServer


def make_status_server(port):
    server = StatusServer(port)
    threading.Thread(target=server.safe_start).start()
    while not server.ready:
        time.sleep(0.05)
    return server


def status_server_fixture(request, port):
    server = StatusServer(port)
    serve_thread = threading.Thread(target=server.safe_start)
    serve_thread.start()
    request.addfinalizer(server.stop)
    return server.port


def probe_once(port):
    server = StatusServer(port)
    serve_thread = threading.Thread(target=server.safe_start)
    serve_thread.start()  # expect: PAR101
    time.sleep(0.1)
    server.stop()


def forgotten_server(port):
    server = StatusServer(port)
    threading.Thread(target=server.safe_start).start()  # expect: PAR101


def snapshot_in_background(path):
    snapshot = Snapshot(path)
    threading.Thread(target=snapshot.write).start()  # expect: PAR101
    return snapshot


class StatusHarness:
    server = StatusServer(0)

    @classmethod
    def setup_class(cls):
        cls.start()

    @classmethod
    def teardown_class(cls):
        cls.stop()

    @classmethod
    def start(cls):
        threading.Thread(target=cls.server.safe_start).start()
        while not cls.server.ready:
            time.sleep(0.05)

    @classmethod
    def stop(cls):
        cls.server.stop()
