"""Sepia tone. `thumbs.filters` is a namespace package (no __init__.py): plug-ins from other
distributions add their own modules to it."""
from thumbs.imaging import clamp


def sepia_tone(pixels):
    out = []
    for row in pixels:
        out.append(
            [
                (
                    clamp((r * 393 + g * 769 + b * 189) // 1000),
                    clamp((r * 349 + g * 686 + b * 168) // 1000),
                    clamp((r * 272 + g * 534 + b * 131) // 1000),
                )
                for r, g, b in row
            ]
        )
    return out
