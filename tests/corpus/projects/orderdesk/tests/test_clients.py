"""Each thread gets its own client (luigi's hdfs client test shape). An executor reuses its
threads, so the tasks would share clients: PAR102 is reported, with no fix."""
import threading

from orderdesk.clients import thread_client


def test_threads_get_their_own_clients():
    clients = []

    def take_client():
        clients.append(thread_client())

    threads = [threading.Thread(target=take_client) for _ in range(8)]  # expect: PAR102 [no fix]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in clients}) == 8


def test_names_are_per_thread():
    names = []

    def record_name():
        names.append(threading.current_thread().name)

    first = threading.Thread(target=record_name)  # expect: PAR103 [no fix]
    second = threading.Thread(target=record_name)
    third = threading.Thread(target=record_name)
    fourth = threading.Thread(target=record_name)
    first.start()
    second.start()
    third.start()
    fourth.start()
    first.join()
    second.join()
    third.join()
    fourth.join()
    assert len(set(names)) == 4


def test_plain_tasks_move_to_an_executor():
    sizes = []

    def measure():
        sizes.append(len("orders"))

    threads = [threading.Thread(target=measure) for _ in range(4)]  # expect: PAR102 [fix]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
