"""parlint: finds concurrency mistakes in Python code and rewrites them."""

from parlint.api import check_source, fix_source
from parlint.ftypes import Applicability, Diagnostic, Edit, Fix, Location, Severity

__version__ = "0.1.0"

__all__ = [
    "Applicability",
    "Diagnostic",
    "Edit",
    "Fix",
    "Location",
    "Severity",
    "__version__",
    "check_source",
    "fix_source",
]
