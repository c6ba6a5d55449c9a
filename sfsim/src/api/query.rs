//! `GET /query?q=SOQL` and `GET /query/{locator}-{offset}`: results in pages of 2,000 with
//! `nextRecordsUrl`, or of the `batchSize` asked for in `Sforce-Query-Options` (200 to 2,000;
//! Salesforce treats it as a request, not a promise, and so may a client of sfsim).

use actix_web::http::StatusCode;
use serde_json::json;

use super::{Call, Reply};
use crate::access::{Access, Visible};
use crate::error::ApiError;
use crate::org::{Org, QueryPage};
use crate::soql;
use crate::soql::DataSource;

/// Runs a query and answers its first page.
/// For a session, the query sees only what its user may see ([`Visible`]).
pub fn run(org: &mut Org, call: &Call, access: Option<&Access>) -> Result<Reply, ApiError> {
    let text = call
        .param("q")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("MALFORMED_QUERY", "A query string has to be specified")
        })?;
    let parsed = soql::parse(text)?;
    if let Some((object, field)) = soql::probed_field(&parsed, &*org as &dyn DataSource) {
        org.index(&object, &field);
    }
    let now = org.now();
    let result = match access {
        Some(access) => {
            let visible = Visible::new(org, access);
            soql::execute_at(&parsed, &visible as &dyn DataSource, &call.version, now)?
        }
        None => soql::execute_at(&parsed, &*org as &dyn DataSource, &call.version, now)?,
    };
    let batch = soql::batch_size(requested_batch_size(call));
    let mut page = org.query_cursors().first_page(result.records, batch);
    // A LIMIT or an aggregate can make totalSize differ from the records fetched.
    page.total_size = result.total_size.max(page.total_size);
    Ok(answer(call, page))
}

/// The next page behind a locator.
pub fn more(org: &mut Org, call: &Call, locator: &str) -> Result<Reply, ApiError> {
    let page = org.query_cursors().page(locator)?;
    Ok(answer(call, page))
}

/// `batchSize=N` from `Sforce-Query-Options: batchSize=N`; anything unreadable is no request.
fn requested_batch_size(call: &Call) -> Option<usize> {
    call.header("Sforce-Query-Options")?
        .split(',')
        .filter_map(|option| option.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("batchSize"))
        .and_then(|(_, value)| value.trim().parse().ok())
}

fn answer(call: &Call, page: QueryPage) -> Reply {
    let mut body = json!({
        "totalSize": page.total_size,
        "done": page.next.is_none(),
        "records": page.records,
    });
    if let (Some(next), Some(map)) = (&page.next, body.as_object_mut()) {
        map.insert(
            "nextRecordsUrl".into(),
            json!(format!("/services/data/v{}/query/{next}", call.version)),
        );
    }
    Reply::json(StatusCode::OK, body)
}
