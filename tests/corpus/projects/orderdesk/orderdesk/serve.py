"""Entry point: `python -m orderdesk.serve`. The app (and the process pools its services
hold) is created under the main guard, not at import time."""
import time

from orderdesk.app import create_app


def main():
    app = create_app({"smtp_host": "localhost", "webhook_url": "http://hooks.local/orders"})
    app.start()
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        app.stop()


if __name__ == "__main__":
    main()
