"""Services the app owns: each keeps its executor on `self`."""
from .notifications import NotificationService
from .reports import ReportService
from .webhooks import WebhookDispatcher

__all__ = ["NotificationService", "ReportService", "WebhookDispatcher"]
