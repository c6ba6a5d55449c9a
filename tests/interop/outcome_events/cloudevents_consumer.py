"""A consumer of Gatehouse's outcome topic using confluent-kafka and the CloudEvents Python SDK,
as a new user would write one from docs/outcomes.md.

Usage: cloudevents_consumer.py BASE_URL CONFIG_TOML BROKERS TOPIC USER_ID

Creates TOPIC with the Kafka admin client, signs a signup of partner user USER_ID with the
Standard Webhooks library for the `partner-portal` source of CONFIG_TOML, sends it (with a W3C traceparent) to a
running `gatehouse serve` that publishes outcomes to TOPIC, then reads the topic and parses the
record with the SDK's Kafka binding (binary content mode). Prints one line per check and a
closing "N passed, M failed" line; exits non-zero on any failure.
"""

import datetime
import json
import sys
import time
import tomllib
import urllib.error
import urllib.request
import uuid

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary
from cloudevents.core.formats.json import JSONFormat
from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient, NewTopic
from standardwebhooks import Webhook

PATIENCE_SECONDS = 90


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


def create_topic(brokers, topic):
    admin = AdminClient({"bootstrap.servers": brokers})
    for future in admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)]).values():
        future.result(timeout=30)


def first_record(brokers, topic):
    consumer = Consumer({
        "bootstrap.servers": brokers,
        "group.id": f"interop-{uuid.uuid4().hex}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    try:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                print(f"     (consumer: {message.error()})")
                continue
            return message
        return None
    finally:
        consumer.close()


def main():
    base, config_path, brokers, topic, user_id = sys.argv[1:6]
    with open(config_path, "rb") as f:
        config = tomllib.load(f)
    secret = config["sources"]["partner-portal"]["verification"]["secrets"][0]["secret"]
    ce_source = config["kafka"]["outcomes"]["ce_source"]

    results = []

    def check(name, ok, detail=""):
        results.append(bool(ok))
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        return ok

    def finish():
        passed = sum(results)
        print(f"interop: {passed} passed, {len(results) - passed} failed")
        sys.exit(0 if all(results) else 1)

    create_topic(brokers, topic)

    subject = f"partner-portal:{user_id}"
    trace_id = uuid.uuid4().hex
    msg_id = f"msg_{uuid.uuid4().hex}"
    now = datetime.datetime.now(tz=datetime.timezone.utc)
    body = json.dumps({
        "type": "partner.user.signed_up",
        "id": f"evt_{uuid.uuid4().hex}",
        "occurred_at": now.isoformat(),
        "data": {"partner_id": "P-100", "user": {"id": user_id, "email": f"{user_id}@partner.example",
                                                 "first_name": "Cloud", "last_name": "Events"}},
    })
    status, answer = send(f"{base}/v1/webhooks/partner-portal", {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, now, body),
        "traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01",
    }, body)
    if not check("the signed signup is accepted", status == 202, f"{status} {answer}"):
        finish()

    message = first_record(brokers, topic)
    if not check("an outcome record arrives on the topic", message is not None, topic):
        finish()

    headers = {name: value for name, value in (message.headers() or [])}
    try:
        event = from_binary(KafkaMessage(headers=headers, key=message.key(), value=message.value()),
                            JSONFormat())
    except Exception as error:  # any refusal by the SDK fails the check
        check("the record parses as a binary-mode CloudEvent", False, repr(error))
        finish()
    check("the record parses as a binary-mode CloudEvent", True, event.get_id())

    check("specversion is 1.0", event.get_specversion() == "1.0", event.get_specversion())
    check("id is the outbox id", event.get_id().startswith("out_"), event.get_id())
    check("source is the configured ce_source", event.get_source() == ce_source, event.get_source())
    check("type names the outcome", event.get_type() == "dev.gatehouse.user.provisioned", event.get_type())
    check("subject is the subject key", event.get_subject() == subject, event.get_subject())
    key = message.key().decode() if message.key() else None
    check("the record is keyed by subject", key == subject, key)
    when = event.get_time()
    recent = when is not None and when.tzinfo is not None \
        and abs((datetime.datetime.now(tz=datetime.timezone.utc) - when).total_seconds()) < 600
    check("time is an RFC 3339 instant of the outcome", recent, when)
    check("datacontenttype is JSON", event.get_datacontenttype() == "application/json",
          event.get_datacontenttype())
    data = event.get_data()
    check("data is the outcome of the signup",
          isinstance(data, dict) and data.get("subject") == subject and data.get("intent") == "provision"
          and data.get("source") == "partner-portal" and str(data.get("command_id", "")).startswith("cmd_")
          and data.get("outcome", {}).get("kind") == "succeeded"
          and "user.created" in data.get("outcome", {}).get("steps", []),
          json.dumps(data))
    traceparent = headers.get("traceparent", b"").decode()
    check("traceparent continues the webhook's trace", traceparent.split("-")[1:2] == [trace_id], traceparent)
    finish()


if __name__ == "__main__":
    main()
