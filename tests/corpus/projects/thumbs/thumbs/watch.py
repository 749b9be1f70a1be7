"""`thumbs --watch DIR`: rebuilds thumbnails as files appear. The watcher's thread and
executor live on `self`; stop() joins the one and shuts down the other (not PAR101/PAR301).
A rebuild reads and writes files around its pixel loops: neither CPU- nor I/O-bound."""
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from .formats.ppm import decode, encode
from .imaging import resize
from .storage import read_image, write_image


class Watcher:
    def __init__(self, directory, size):
        self.directory = directory
        self.size = size
        self._seen = set()
        self._stop = threading.Event()
        self._executor = ThreadPoolExecutor(max_workers=2)
        self._thread = threading.Thread(target=self._poll, name="watcher")

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self._executor.shutdown(wait=True)

    def _poll(self):
        while not self._stop.wait(1.0):
            for name in sorted(os.listdir(self.directory)):
                if name not in self._seen:
                    self._seen.add(name)
                    self._executor.submit(self._rebuild, name)  # expect: PAR302

    def archive(self, names):
        # write_image(path, data) is another module's: one argument short (PAR503).
        for name in names:
            self._executor.submit(write_image, name).result()  # expect: PAR503

    def _rebuild(self, name):
        path = os.path.join(self.directory, name)
        image = resize(decode(read_image(path)), self.size, self.size)
        write_image(path + ".thumb", encode(image))
