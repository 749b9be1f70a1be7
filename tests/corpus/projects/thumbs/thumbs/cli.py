"""`thumbs SRC... [--size N] [--jobs N] [--sepia]`: the hand-offs of the tool. The tasks live
in other modules of the package (imaging, storage, formats.ppm, filters.sepia, report): PAR201
and PAR202 are reported here, at the hand-off, with the evidence in those modules."""
import argparse
import functools
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool

from . import storage
from .filters.sepia import sepia_tone
from .formats import ppm
from .imaging import blur, resize
from .report import fingerprint, packed_size


def load_all(paths):
    with ProcessPoolExecutor(max_workers=4) as executor:
        return list(executor.map(storage.read_image, paths))  # expect: PAR202


def fetch_all(urls, timeout):
    with Pool(4) as pool:
        return pool.map(lambda url: storage.download(url, timeout), urls)  # expect: PAR202, PAR401


def decode_all(blobs):
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(ppm.decode, blob) for blob in blobs]  # expect: PAR201
        return [f.result() for f in futures]


def make_thumbnails(images, size, jobs):
    with ThreadPoolExecutor(max_workers=jobs) as executor:
        return list(executor.map(functools.partial(resize, width=size, height=size), images))  # expect: PAR201


def apply_filters(images, sepia):
    with ThreadPoolExecutor() as executor:
        if sepia:
            images = list(executor.map(sepia_tone, images))  # expect: PAR201
        return list(executor.map(lambda image: blur(image, 1), images))  # expect: PAR201


def save_all(paths, images):
    with ThreadPoolExecutor(max_workers=8) as executor:
        for path, image in zip(paths, images):
            executor.submit(storage.write_image, path, ppm.encode(image))  # expect: PAR302


def index(blobs):
    with ThreadPoolExecutor() as executor:
        keys = list(executor.map(fingerprint, blobs))
        sizes = list(executor.map(packed_size, blobs))
    return dict(zip(keys, sizes))


def _encode_and_save(images, out_dir):
    for i, image in enumerate(images):
        storage.write_image(f"{out_dir}/{i}.ppm", ppm.encode(image))


def save_in_background(images, out_dir):
    writer = threading.Thread(target=_encode_and_save, args=(images, out_dir))
    writer.start()  # expect: PAR101
    return len(images)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="thumbs")
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--sepia", action="store_true")
    parser.add_argument("--out", default="thumbs-out")
    args = parser.parse_args(argv)
    urls = [s for s in args.sources if s.startswith("http")]
    paths = [s for s in args.sources if not s.startswith("http")]
    blobs = load_all(paths) + fetch_all(urls, timeout=10)
    images = apply_filters(make_thumbnails(decode_all(blobs), args.size, args.jobs), args.sepia)
    save_all([f"{args.out}/{i}.ppm" for i in range(len(images))], images)
    print(len(index(blobs)), "thumbnails")
    return 0
