"""Customer notifications on a thread pool kept on `self`, shut down by close()."""
import logging
from concurrent.futures import ThreadPoolExecutor

from ..mailer import send_mail

log = logging.getLogger(__name__)


def _log_failure(future):
    if future.exception() is not None:
        log.error("mail failed: %s", future.exception())


class NotificationService:
    def __init__(self, smtp_host):
        self.smtp_host = smtp_host
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mail")

    def order_placed(self, order):
        self._pool.submit(send_mail, self.smtp_host, order["email"], "Order received")  # expect: PAR302

    def order_shipped(self, order):
        future = self._pool.submit(send_mail, self.smtp_host, order["email"], "Order shipped")
        future.add_done_callback(_log_failure)

    def close(self):
        self._pool.shutdown(wait=True)
