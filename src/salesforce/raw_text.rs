//! The text of an answer that is not in the shape Salesforce documents (an HTML page from a
//! proxy, an empty body), kept bounded so that it can travel in an error or a dead letter.

/// Longest raw text kept from an answer that is not in Salesforce's shape, so a large HTML page
/// cannot bloat a dead letter.
pub const MAX_RAW_TEXT: usize = 2_000;

/// Text of a body that is not Salesforce's shape, cut at [`MAX_RAW_TEXT`] characters; invalid
/// UTF-8 is replaced rather than refused.
pub fn raw_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    match text.char_indices().nth(MAX_RAW_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
