// A consumer of Gatehouse's outcome topic using kafkajs and the CloudEvents SDK for
// JavaScript, as a new user would write one from docs/outcomes.md.
//
// Usage: node cloudevents_consumer.mjs BROKERS TOPIC SUBJECT CE_SOURCE
//
// Reads TOPIC from the beginning with a fresh consumer group until the outcome record of
// SUBJECT arrives, parses it with the SDK's Kafka binding (binary content mode) and checks its
// attributes and data. Prints one line per check and a closing "N passed, M failed" line; exits
// non-zero on any failure.

import { randomUUID } from "node:crypto";

import { Kafka as CloudEventsKafka } from "cloudevents";
import { Kafka, logLevel } from "kafkajs";

const PATIENCE_MS = 90_000;
const [brokers, topic, subject, ceSource] = process.argv.slice(2);

const results = [];
function check(name, ok, detail = "") {
  results.push(Boolean(ok));
  console.log(`${ok ? "ok  " : "FAIL"} ${name}: ${detail}`);
  return ok;
}
function finish() {
  const passed = results.filter(Boolean).length;
  console.log(`interop: ${passed} passed, ${results.length - passed} failed`);
  process.exit(results.every(Boolean) ? 0 : 1);
}

const kafka = new Kafka({ clientId: "interop-js", brokers: brokers.split(","), logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId: `interop-js-${randomUUID()}` });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });

const record = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(null), PATIENCE_MS);
  consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() === subject) {
        clearTimeout(timer);
        resolve(message);
      }
    },
  });
});
await consumer.disconnect();
if (!check("the outcome record of the subject arrives", record !== null, `${topic} ${subject}`)) {
  finish();
}

// kafkajs hands header values over as Buffers; the binding reads strings.
const headers = Object.fromEntries(
  Object.entries(record.headers ?? {}).map(([name, value]) => [name, value?.toString()]),
);
let event;
try {
  event = CloudEventsKafka.toEvent({ headers, key: record.key.toString(), value: record.value.toString() });
} catch (error) {
  check("the record parses as a binary-mode CloudEvent", false, String(error));
  finish();
}
check("the record parses as a binary-mode CloudEvent", true, event.id);
check("specversion is 1.0", event.specversion === "1.0", event.specversion);
check("id is the outbox id", event.id.startsWith("out_"), event.id);
check("source is the configured ce_source", event.source === ceSource, event.source);
check("type names the outcome", event.type === "dev.gatehouse.user.provisioned", event.type);
check("subject is the subject key", event.subject === subject, event.subject);
check("partitionkey (the record key) is the subject", event.partitionkey === subject, event.partitionkey);
const age = Date.now() - Date.parse(event.time);
check("time is an RFC 3339 instant of the outcome", Number.isFinite(age) && Math.abs(age) < 600_000, event.time);
check("datacontenttype is JSON", event.datacontenttype === "application/json", event.datacontenttype);
const data = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
check(
  "data is the outcome of the signup",
  data?.subject === subject && data?.intent === "provision" && data?.outcome?.kind === "succeeded"
    && String(data?.command_id).startsWith("cmd_"),
  JSON.stringify(data),
);
finish();
