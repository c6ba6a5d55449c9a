//! Turning a minijinja failure into a sentence that names the field.
//!
//! minijinja reports a strict-undefined failure as "undefined value" with the byte range of the
//! failing part of the expression (for `data.user.email` the range covers `.user.email`). The
//! range is widened back to the whole path; where it is missing or covers a larger expression,
//! the template's own variable paths are looked up in the context to find the absent one.

use std::collections::HashSet;

use minijinja::{Error, ErrorKind, Value};

use super::field::FieldProblem;

/// What a failed render or evaluation means for the rule author.
pub(crate) fn describe_failure(
    source: &str,
    error: &Error,
    undeclared: HashSet<String>,
    ctx: &Value,
) -> FieldProblem {
    let span = error
        .range()
        .and_then(|range| source.get(widen(source, range)..range_end(source, error)));
    if error.kind() != ErrorKind::UndefinedError {
        let what = error
            .detail()
            .map(str::to_owned)
            .unwrap_or_else(|| error.kind().to_string());
        return match span {
            Some(expr) => FieldProblem::Failed(format!("`{}` {what}", expr.trim())),
            None => FieldProblem::Failed(what),
        };
    }
    if let Some(path) = span.map(str::trim).filter(|s| is_path(s)) {
        return FieldProblem::Missing(path.to_owned());
    }
    let mut absent: Vec<String> = undeclared
        .into_iter()
        .filter(|path| !resolves(ctx, path))
        .filter(|path| span.is_none_or(|s| s.contains(path.as_str())))
        .collect();
    absent.sort();
    if absent.is_empty() {
        FieldProblem::Missing("(unknown)".to_owned())
    } else {
        FieldProblem::Missing(absent.join(" or "))
    }
}

fn range_end(source: &str, error: &Error) -> usize {
    error.range().map(|r| r.end.min(source.len())).unwrap_or(0)
}

/// Moves the start of `range` back over the path it continues: `.user.email` → `data.user.email`,
/// `['x']` → `item.fields['x']`.
fn widen(source: &str, range: std::ops::Range<usize>) -> usize {
    let bytes = source.as_bytes();
    let mut start = range.start.min(bytes.len());
    let continues = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let starts_with_access = matches!(bytes.get(start), Some(b'.' | b'['));
    if !starts_with_access {
        return start;
    }
    while start > 0 {
        let prev = bytes[start - 1];
        if continues(prev) {
            start -= 1;
        } else if prev == b']' {
            match source[..start - 1].rfind('[') {
                Some(open) => start = open,
                None => break,
            }
        } else {
            break;
        }
    }
    start
}

/// Whether `text` is a plain path: a name followed by `.name`, `[0]` or `['key']` parts.
fn is_path(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    let name = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    match chars.peek() {
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {}
        _ => return false,
    }
    while let Some(c) = chars.next() {
        if name(&c) || c == '.' {
            continue;
        }
        if c != '[' {
            return false;
        }
        // A subscript: digits, or a quoted key without the closing quote inside.
        let mut inner = String::new();
        for c in chars.by_ref() {
            if c == ']' {
                break;
            }
            inner.push(c);
        }
        let quoted = inner.len() >= 2
            && ((inner.starts_with('\'') && inner.ends_with('\''))
                || (inner.starts_with('"') && inner.ends_with('"')));
        if !(quoted || (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()))) {
            return false;
        }
    }
    true
}

/// Whether a dotted path of names has a value in `ctx`.
fn resolves(ctx: &Value, path: &str) -> bool {
    let mut value = ctx.clone();
    for part in path.split('.') {
        match value.get_attr(part) {
            Ok(next) if !next.is_undefined() => value = next,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests;
