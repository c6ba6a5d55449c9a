//! JSON lines with the fields of every span in scope flattened into the line.
//!
//! tracing-subscriber's own JSON format nests span fields under `span`/`spans`; log queries are
//! simpler when `command_id`, `subject` and `trace_id` sit at the top of every line written
//! while a command runs, whatever inner span (a Salesforce call) is current. Inner spans win
//! over outer ones, and the event's own fields over both.

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The event format of JSON lines; pair it with [`JsonFields`] for span fields.
pub struct FlatJson;

impl<S> FormatEvent<S, JsonFields> for FlatJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let mut own = Map::new();
        event.record(&mut Fields(&mut own));
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            Value::from(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        );
        line.insert("level".into(), Value::from(meta.level().as_str()));
        // The message right after the level, as people read it first.
        if let Some(message) = own.remove("message") {
            line.insert("message".into(), message);
        }
        line.insert("target".into(), Value::from(meta.target()));
        if let Some(scope) = ctx.event_scope() {
            let mut innermost = None;
            for span in scope.from_root() {
                innermost = Some(span.name());
                let extensions = span.extensions();
                let Some(fields) = extensions.get::<FormattedFields<JsonFields>>() else {
                    continue;
                };
                if let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(fields) {
                    // `otel.*` fields steer the span exporter; they say nothing to a reader.
                    line.extend(fields.into_iter().filter(|(k, _)| !k.starts_with("otel.")));
                }
            }
            if let Some(name) = innermost {
                line.insert("span".into(), Value::from(name));
            }
        }
        line.extend(own);
        // A field named for a person's email or name is masked whole; the writer masks what
        // free text still holds (`mask::MaskingWriter`).
        for (key, value) in line.iter_mut() {
            if let Value::String(text) = value
                && let std::borrow::Cow::Owned(masked) = super::mask::field(key, text)
            {
                *text = masked;
            }
        }
        let text = serde_json::to_string(&line).map_err(|_| fmt::Error)?;
        writeln!(writer, "{text}")
    }
}

/// Event fields as JSON values.
struct Fields<'a>(&'a mut Map<String, Value>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), Value::from(format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), Value::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), Value::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().into(), Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let told = crate::report::chain(value).to_string();
        self.0.insert(field.name().into(), Value::from(told));
    }
}
