"""orderdesk: a small order-intake backend."""
