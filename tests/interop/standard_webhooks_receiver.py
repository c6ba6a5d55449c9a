"""A subscriber using the official Standard Webhooks Python library, as a partner would.

Usage: standard_webhooks_receiver.py PORT SECRET RECORD_FILE

Listens on 127.0.0.1:PORT for Gatehouse's outcome webhooks, verifies each with the library's
own `Webhook.verify` (signature and timestamp), and appends one JSON line per request to
RECORD_FILE: its webhook-id, whether it verified, and the CloudEvent's type and id. Answers 204
to a verified delivery and 400 to any other.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def main():
    port, secret, record = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    webhook = Webhook(secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                event = webhook.verify(body, headers)
                verified, error = True, None
            except WebhookVerificationError as e:
                event, verified, error = {}, False, str(e)
            line = {
                "webhook_id": headers.get("webhook-id"),
                "verified": verified,
                "error": error,
                "content_type": headers.get("content-type"),
                "id": event.get("id"),
                "type": event.get("type"),
                "has_data": isinstance(event.get("data"), dict),
            }
            with open(record, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")
            self.send_response(204 if verified else 400)
            self.end_headers()

        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
