"""The application object: owns its services and its background threads. Threads started in
start() are stopped and joined in stop(); `args=(self.jobs)` is one Queue, not a tuple."""
import queue
import threading

from .services import NotificationService, ReportService, WebhookDispatcher
from .workers import MetricsFlusher, SearchIndexer, drain_outbox, sweep_sessions


class App:
    def __init__(self, config):
        self.config = config
        self.sessions = {}
        self.jobs = queue.Queue()
        self.notifications = NotificationService(config["smtp_host"])
        self.reports = ReportService()
        self.webhooks = WebhookDispatcher()
        self.indexer = SearchIndexer()
        self.metrics = MetricsFlusher()
        self._stop = threading.Event()

    def start(self):
        self._janitor = threading.Thread(target=sweep_sessions, args=(self._stop, self.sessions))
        self._outbox = threading.Thread(target=drain_outbox, args=(self.jobs))  # expect: PAR502
        self._janitor.start()
        self._outbox.start()
        self.indexer.start()
        self.metrics.start()

    def stop(self):
        self._stop.set()
        self.jobs.put(None)
        self._janitor.join()
        self._outbox.join()
        self.notifications.close()
        self.webhooks.shutdown()


def create_app(config):
    return App(config)
