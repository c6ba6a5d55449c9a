"""A sender using the official Standard Webhooks Python library, as a new user would.

Usage: standard_webhooks_sender.py BASE_URL CONFIG_TOML

Signs deliveries for the `partner-portal` source of the given config with the library's own
`Webhook.sign`, sends them to a running `gatehouse serve`, and checks the answers. Prints one
line per check and a closing "N passed, M failed" line; exits non-zero on any failure.
"""

import datetime
import json
import sys
import tomllib
import urllib.error
import urllib.request
import uuid

from standardwebhooks import Webhook


def send(url, headers, body):
    request = urllib.request.Request(url, data=body.encode(), method="POST")
    request.add_header("content-type", "application/json")
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main():
    base, config_path = sys.argv[1], sys.argv[2]
    with open(config_path, "rb") as f:
        config = tomllib.load(f)
    secret = config["sources"]["partner-portal"]["verification"]["secrets"][0]["secret"]
    webhook = Webhook(secret)
    url = f"{base}/v1/webhooks/partner-portal"

    msg_id = f"msg_{uuid.uuid4().hex}"
    now = datetime.datetime.now(tz=datetime.timezone.utc)
    body = json.dumps({
        "type": "partner.user.signed_up",
        "id": f"evt_{uuid.uuid4().hex}",
        "occurred_at": now.isoformat(),
        "data": {"partner_id": "P-100", "user": {"id": "u-interop", "email": "interop@partner.example",
                                                 "first_name": "Inter", "last_name": "Op"}},
    })

    def headers(ts, signature, mid=msg_id):
        return {"webhook-id": mid, "webhook-timestamp": str(int(ts.timestamp())),
                "webhook-signature": signature}

    results = []

    def check(name, ok, detail):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")

    status, first = send(url, headers(now, webhook.sign(msg_id, now, body)), body)
    check("signed by the official library is accepted", status == 202, f"{status} {first}")

    status, again = send(url, headers(now, webhook.sign(msg_id, now, body)), body)
    check("redelivery answers 200 with the first receipt", status == 200 and again == first, f"{status} {again}")

    tampered = body.replace("Inter", "Outer")
    status, problem = send(url, headers(now, webhook.sign(msg_id, now, body)), tampered)
    check("a changed body is refused", status == 401, f"{status} {problem}")

    old = now - datetime.timedelta(minutes=10)
    other = f"msg_{uuid.uuid4().hex}"
    status, problem = send(url, headers(old, webhook.sign(other, old, body), other), body)
    check("a ten-minute-old signature is refused", status == 401 and "stale" in problem, f"{status} {problem}")

    passed = sum(results)
    print(f"interop: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
