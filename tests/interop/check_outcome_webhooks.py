"""Checks what standard_webhooks_receiver.py recorded against what Gatehouse says it delivered.

Usage: check_outcome_webhooks.py BASE_URL ADMIN_TOKEN RECORD_FILE SUBSCRIBER

Waits (up to 60 s) until Gatehouse has no pending delivery to SUBSCRIBER and at least one
delivered (other subscribers of the config, such as the quick start's own, are not looked at), then
checks that every request the receiver got verified, that each carried its CloudEvent's id as
webhook-id, and that every delivery Gatehouse lists as delivered was received and verified.
"""

import json
import sys
import time
import urllib.request


def deliveries(base, token, subscriber, state):
    request = urllib.request.Request(
        f"{base}/v1/outcome-webhooks/deliveries?subscriber={subscriber}&state={state}&limit=500",
        headers={"authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["items"]


def main():
    base, token, record, subscriber = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    for _ in range(600):
        delivered = deliveries(base, token, subscriber, "delivered")
        if delivered and not deliveries(base, token, subscriber, "pending"):
            break
        time.sleep(0.1)
    else:
        print("FAIL outcome webhooks: deliveries still pending or none delivered")
        sys.exit(1)
    with open(record, encoding="utf-8") as f:
        received = [json.loads(line) for line in f]
    failures = []
    for line in received:
        if not line["verified"]:
            failures.append(f"{line['webhook_id']} did not verify: {line['error']}")
        elif line["webhook_id"] != line["id"] or not line["has_data"]:
            failures.append(f"{line['webhook_id']}: id {line['id']}, data present: {line['has_data']}")
        elif line["content_type"] != "application/cloudevents+json":
            failures.append(f"{line['webhook_id']}: content-type {line['content_type']}")
    verified_ids = {line["webhook_id"] for line in received if line["verified"]}
    for delivery in delivered:
        if delivery["outbox_id"] not in verified_ids:
            failures.append(f"{delivery['outbox_id']} listed delivered but not verified here")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"outcome webhooks: {len(delivered)} delivered, {len(received)} received, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
