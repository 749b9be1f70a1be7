"""A minimal binary PPM (P6) codec: pure-Python loops over every pixel."""
from ..imaging import clamp


def decode(blob):
    header, _, body = blob.partition(b"\n255\n")
    _, size = header.split(b"\n", 1)
    width, height = (int(v) for v in size.split())
    pixels = []
    for y in range(height):
        row = []
        for x in range(width):
            i = (y * width + x) * 3
            row.append((body[i], body[i + 1], body[i + 2]))
        pixels.append(row)
    return pixels


def encode(pixels):
    height = len(pixels)
    width = len(pixels[0])
    body = bytearray()
    for row in pixels:
        for r, g, b in row:
            body.extend((clamp(r), clamp(g), clamp(b)))
    return b"P6\n%d %d\n255\n" % (width, height) + bytes(body)
