//! `gatehouse mapping test`: one event through one source's rules, as the service would map it.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::TestArgs;
use super::print;
use crate::config::{Locator, SourceConfig};
use crate::mapping::{MappingDecision, MappingInput, MappingRules};

pub fn run(args: &TestArgs) -> ExitCode {
    let decision = match decide(args) {
        Ok(decision) => decision,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&print::json(&args.source, &decision)) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!(
                    "cannot print the decision as JSON: {}",
                    crate::report::chain(&e)
                );
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", print::text(&args.source, &decision));
    }
    if args.plan
        && let MappingDecision::Commands(commands) = &decision
    {
        let plan = crate::startup::load_settings(Some(&args.config.config))
            .map_err(anyhow::Error::from)
            .and_then(|settings| {
                let runtime = tokio::runtime::Runtime::new()?;
                runtime.block_on(super::plan::describe(&settings, commands))
            });
        match plan {
            Ok(text) => print!("{text}"),
            Err(e) => {
                eprintln!("{e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    match decision {
        MappingDecision::Unmapped { .. } => ExitCode::from(2),
        _ => ExitCode::SUCCESS,
    }
}

fn decide(args: &TestArgs) -> anyhow::Result<MappingDecision> {
    let settings = crate::startup::load_settings(Some(&args.config.config))?;
    let Some(source) = settings.sources.get(&args.source) else {
        let known: Vec<&str> = settings.sources.keys().map(String::as_str).collect();
        bail!(
            "the config has no source named {}; its sources are: {}",
            args.source,
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    };
    let rules = MappingRules::build(&settings)?;
    let body = read_event(args)?;
    let headers = parse_headers(&args.headers)?;
    let received_at = match &args.received_at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .with_context(|| format!("--received-at '{text}' is not an RFC 3339 time"))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
    let input = MappingInput {
        source: args.source.clone(),
        content_type: args
            .content_type
            .clone()
            .unwrap_or_else(|| default_content_type(source).to_owned()),
        dedupe_key: dedupe_key(source, &headers, json.as_ref(), &body),
        source_time: source
            .event_time
            .as_ref()
            .and_then(|l| locate(l, &headers, json.as_ref()))
            .and_then(|t| crate::domain::time::parse_instant(&t)),
        body,
        headers,
        received_at,
        event_id: None,
        traceparent: None,
    };
    Ok(rules.map(&input))
}

fn read_event(args: &TestArgs) -> anyhow::Result<Vec<u8>> {
    if args.event.as_os_str() == "-" {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .context("reading the event from standard input")?;
        return Ok(body);
    }
    std::fs::read(&args.event)
        .with_context(|| format!("cannot read the event file {}", args.event.display()))
}

fn parse_headers(lines: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut headers = BTreeMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            bail!("--header '{line}' is not of the form 'Name: value'");
        };
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            bail!("--header '{line}' has no usable header name");
        }
        headers.insert(name.to_ascii_lowercase(), value.trim().to_owned());
    }
    Ok(headers)
}

fn default_content_type(source: &SourceConfig) -> &'static str {
    match source.format {
        crate::config::BodyFormat::Json => "application/json",
        crate::config::BodyFormat::SoapXml => "text/xml",
    }
}

/// The key the ingress would dedupe on: the configured id, the Standard Webhooks message id,
/// else a hash of the body.
fn dedupe_key(
    source: &SourceConfig,
    headers: &BTreeMap<String, String>,
    json: Option<&serde_json::Value>,
    body: &[u8],
) -> String {
    source
        .event_id
        .as_ref()
        .and_then(|l| locate(l, headers, json))
        .or_else(|| headers.get("webhook-id").cloned())
        .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(body))))
}

fn locate(
    locator: &Locator,
    headers: &BTreeMap<String, String>,
    json: Option<&serde_json::Value>,
) -> Option<String> {
    let text = match locator {
        Locator::Header { header } => headers.get(&header.to_ascii_lowercase())?.clone(),
        Locator::Body { json_pointer } => match json?.pointer(json_pointer)? {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        },
    };
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}
