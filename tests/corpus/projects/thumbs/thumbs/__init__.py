"""thumbs: thumbnails of PPM images, in pure Python."""

__version__ = "0.3.1"
