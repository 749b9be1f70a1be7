# corpus: runnable
"""Joins that would hang: workers that wait for code after their start. PAR101 is reported,
but the join fix is display-only (never applied), so the fixed program still ends. The one
worker that surely ends by itself gets the join applied."""
import queue
import socket
import sys
import threading


def serve_once(listener):
    connection, _ = listener.accept()
    with connection:
        connection.sendall(connection.recv(64).upper())


def fetch(port):
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(b"ping")
        return client.recv(64)


def server_and_client():
    # The client below is what lets the server thread end: a join before it would hang.
    listener = socket.create_server(("127.0.0.1", 0))
    server = threading.Thread(target=serve_once, args=(listener,))
    server.start()  # expect: PAR101 [display-only]
    return fetch(listener.getsockname()[1])


def consume(jobs, results):
    while True:
        job = jobs.get()
        if job is None:
            return
        results.append(job * 2)


def fed_after_the_start():
    jobs = queue.Queue()
    results = []
    worker = threading.Thread(target=consume, args=(jobs, results))
    worker.start()  # expect: PAR101 [display-only]
    for n in range(3):
        jobs.put(n)
    jobs.put(None)


def report(label):
    sys.stdout.write(f"report {label}\n")  # one write: lines stay whole


def ends_by_itself():
    reporter = threading.Thread(target=report, args=("nightly",))
    reporter.start()  # expect: PAR101 [fix]
    sys.stdout.write("reporting\n")


def main():
    print("server said", server_and_client())
    fed_after_the_start()
    print("fed")
    ends_by_itself()


if __name__ == "__main__":
    main()
