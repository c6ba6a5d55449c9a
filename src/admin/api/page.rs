//! One page of a listing, with the cursor for the next.

use serde::Serialize;

/// A page of items in the listing's order. `next_after` is the value to pass as `after` for the
/// next page; it is absent when this page was not full, so no further page can hold anything yet.
#[derive(Debug, Serialize)]
pub struct Page<T: Serialize> {
    pub items: Vec<T>,
    pub next_after: Option<String>,
}

impl<T: Serialize> Page<T> {
    /// A page of `items` fetched with `limit`; `cursor` reads the `after` value off an item.
    pub fn new(items: Vec<T>, limit: u32, cursor: impl Fn(&T) -> String) -> Page<T> {
        let full = items.len() >= limit as usize && !items.is_empty();
        let next_after = if full { items.last().map(cursor) } else { None };
        Page { items, next_after }
    }
}
