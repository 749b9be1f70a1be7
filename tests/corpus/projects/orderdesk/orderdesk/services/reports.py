"""Invoice rendering in worker processes. No method of the service shuts its executor
down: PAR301 at the constructor."""
from concurrent.futures import ProcessPoolExecutor

from orderdesk.pricing import render_invoice


class ReportService:
    def __init__(self):
        self._executor = ProcessPoolExecutor(max_workers=2)  # expect: PAR301

    def render(self, orders):
        return list(self._executor.map(render_invoice, orders))

    def render_one(self, order):
        return self._executor.submit(render_invoice, order)
