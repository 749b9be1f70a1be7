"""pygls's JSON-RPC protocol with three repairs: every request is answered, notifications
leave nothing behind, and a late cancellation is not an error."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Optional

from cattrs import ClassValidationError, transform_error
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger("parlint.server")


class _Answered:
    """A request that failed to parse and has had its error response already."""

    jsonrpc: Optional[str] = None


ANSWERED = _Answered()


class ParlintProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        # pygls 2.1.1 raises out of its reader when a request's params do not match the
        # protocol's types and never answers it: the client would wait forever.
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" not in data or "method" not in data:
                raise
            cause = exc.__cause__
            details = (
                "; ".join(transform_error(cause))
                if isinstance(cause, ClassValidationError)
                else str(cause or exc)
            )
            log.warning("invalid params for %s: %s", data["method"], details)
            error = type(exc)(message=f"{exc.message}: {details}")
            self._send_response(data["id"], error=error.to_response_error())
            return ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is ANSWERED:
            return
        super().handle_message(message)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: Optional[tuple[Any, ...]] = None,
        kwargs: Optional[dict[str, Any]] = None,
    ) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        # pygls 2.1.1 files the future of every notification (and of each step of its
        # built-in handlers) under a made-up id in `_request_futures` and never removes it:
        # ~2.8 KB per keystroke. Only requests from the client need to be found there (to be
        # cancelled); their callback is the one that sends the response.
        answers = isinstance(callback, partial) and callback.func == self._send_handler_result
        if not answers:
            self._request_futures.pop(msg_id, None)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        # A cancellation that arrives after the answer is normal (the client had not seen
        # the answer yet); pygls logs it as a warning, which editors show as an error.
        if msg_id in self._request_futures:
            super()._handle_cancel_notification(msg_id)
