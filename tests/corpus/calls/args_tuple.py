"""PAR502 args-not-tuple."""
import threading
from multiprocessing import Pool


def work(*args):
    print(args)


def numbers():
    for i in range(3):
        t = threading.Thread(target=work, args=(i))  # expect: PAR502
        t.start()  # expect: PAR105
        t.join()


def strings(name):
    a = threading.Thread(target=work, args=("text"))  # expect: PAR502, PAR103
    b = threading.Thread(target=work, args="text")  # expect: PAR502
    c = threading.Thread(target=work, args=(f"{name}"))  # expect: PAR502
    d = threading.Thread(target=work, args=(5))  # expect: PAR502
    label = "x"
    e = threading.Thread(target=work, args=(label))  # expect: PAR502
    for t in (a, b, c, d, e):
        t.start()
    for t in (a, b, c, d, e):
        t.join()


def pool_apply():
    with Pool(2) as pool:
        pool.apply_async(work, args=(7)).get()  # expect: PAR502


# --- negatives -------------------------------------------------------------------------


def fine(params, items):
    a = threading.Thread(target=work, args=(params))  # expect: PAR103
    b = threading.Thread(target=work, args=[1, 2])
    c = threading.Thread(target=work, args=(1,))
    d = threading.Thread(target=work, args=params)
    e = threading.Thread(target=work, args=tuple(items))
    f = threading.Thread(target=work, args=(items[0], items[1]))
    for t in (a, b, c, d, e, f):
        t.start()
    for t in (a, b, c, d, e, f):
        t.join()


class Custom(threading.Thread):
    def __init__(self, args):
        super().__init__()
        self.payload = args


def custom_init():
    w = Custom(args=(3))
    w.start()
    w.join()
