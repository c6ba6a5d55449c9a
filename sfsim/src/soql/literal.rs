//! Reading literal text the way Salesforce does: string escapes, LIKE patterns and timestamps.

use chrono::{DateTime, FixedOffset};

/// One step of a LIKE pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// One character, already lower-cased.
    Char(char),
    /// `_`: exactly one character.
    One,
    /// `%`: any run of characters, empty included.
    Many,
}

/// A LIKE pattern. Salesforce matches LIKE case-insensitively, with `%` and `_` as wildcards and
/// `\%` / `\_` as the literal characters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LikePattern {
    steps: Vec<Step>,
}

impl LikePattern {
    /// Whether `text` matches the whole pattern. Greedy with one back-track point per `%`, so a
    /// hostile pattern costs at most text × pattern steps, never exponential time.
    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        let steps = &self.steps;
        let (mut t, mut p) = (0usize, 0usize);
        let mut resume: Option<(usize, usize)> = None;
        while t < chars.len() {
            match steps.get(p) {
                Some(Step::Many) => {
                    resume = Some((p, t));
                    p += 1;
                }
                Some(Step::One) => {
                    t += 1;
                    p += 1;
                }
                Some(Step::Char(c)) if *c == chars[t] => {
                    t += 1;
                    p += 1;
                }
                _ => match resume {
                    Some((star, from)) => {
                        p = star + 1;
                        t = from + 1;
                        resume = Some((star, from + 1));
                    }
                    None => return false,
                },
            }
        }
        steps[p.min(steps.len())..].iter().all(|s| *s == Step::Many)
    }
}

/// Decodes the body of a quoted SOQL string (between the quotes) into its value and its reading
/// as a LIKE pattern. The grammar admits only the escapes Salesforce lists, so every backslash
/// here starts a valid escape. `\%` and `\_` decode to the bare character in both readings;
/// only the pattern tells them apart from the wildcards.
pub fn decode_string(body: &str) -> (String, LikePattern) {
    let mut value = String::with_capacity(body.len());
    let mut steps = Vec::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            steps.push(match c {
                '%' => Step::Many,
                '_' => Step::One,
                other => Step::Char(other),
            });
            continue;
        }
        let Some(escaped) = chars.next() else {
            value.push('\\');
            steps.push(Step::Char('\\'));
            break;
        };
        let decoded = match escaped {
            'n' | 'N' => '\n',
            'r' | 'R' => '\r',
            't' | 'T' => '\t',
            'b' | 'B' => '\u{8}',
            'f' | 'F' => '\u{c}',
            other => other,
        };
        value.push(decoded);
        steps.push(Step::Char(decoded));
    }
    let steps = steps
        .into_iter()
        .flat_map(|s| match s {
            Step::Char(c) => c.to_lowercase().map(Step::Char).collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect();
    (value, LikePattern { steps })
}

/// Parses the timestamp forms Salesforce writes and accepts: `2026-01-31T18:42:00Z`,
/// `…+01:00`, `…-0500` and `….000+0000` (the REST API's own output form).
pub fn parse_datetime(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    let normalised = if let Some(head) = text.strip_suffix(['Z', 'z']) {
        format!("{head}+00:00")
    } else {
        let split = text.len().checked_sub(5)?;
        let (head, zone) = (text.get(..split)?, text.get(split..)?);
        let bare_offset =
            zone.starts_with(['+', '-']) && zone[1..].bytes().all(|b| b.is_ascii_digit());
        if bare_offset {
            format!("{head}{}:{}", &zone[..3], &zone[3..])
        } else {
            text.to_owned()
        }
    };
    DateTime::parse_from_rfc3339(&normalised).ok()
}

#[cfg(test)]
mod tests;
