"""Pure-Python image operations on rows of (r, g, b) tuples: the CPU-bound work that the
hand-offs in cli.py reach through `from .imaging import resize, blur`."""


def clamp(value, low=0, high=255):
    return low if value < low else high if value > high else value


def resize(pixels, width, height):
    src_height = len(pixels)
    src_width = len(pixels[0])
    out = []
    for y in range(height):
        row = pixels[y * src_height // height]
        out.append([row[x * src_width // width] for x in range(width)])
    return out


def blur(pixels, radius):
    height = len(pixels)
    width = len(pixels[0])
    out = []
    for y in range(height):
        row = []
        for x in range(width):
            red = green = blue = count = 0
            for dy in range(-radius, radius + 1):
                if 0 <= y + dy < height:
                    r, g, b = pixels[y + dy][x]
                    red += r
                    green += g
                    blue += b
                    count += 1
            row.append((red // count, green // count, blue // count))
        out.append(row)
    return out


def to_grey(pixels):
    return [[(r * 299 + g * 587 + b * 114) // 1000 for r, g, b in row] for row in pixels]
