//! The table as the page `docs/salesforce-permissions.md`, so the docs print exactly what
//! Gatehouse checks and sfsim enforces.

use std::fmt::Write;

use super::table::{AccessRow, AccessTable, FieldAccess};

/// Where the rendered page lives, from the repository's root.
pub const PAGE: &str = "docs/salesforce-permissions.md";

/// The whole page.
pub fn render_markdown(table: &AccessTable) -> String {
    let mut page = String::from(
        "# What the integration user needs, call by call\n\n\
         <!-- Generated from salesforce/access.toml by gatehouse::salesforce::access::render_markdown;\n\
         regenerate with `GATEHOUSE_WRITE_DOCS=1 cargo nextest run -E 'test(permissions_page)'`. -->\n\n\
         Every Salesforce call Gatehouse makes, what it needs of the integration user, when it is\n\
         made, and what a real org answers without it. The same table drives `gatehouse doctor`'s\n\
         check of the run-as user and sfsim's refusals. The shipped permission sets grant it:\n\
         `Gatehouse_Integration` everything but freezing, `Gatehouse_Integration_Freeze` the\n\
         freezing rows ([salesforce/README.md](../salesforce/README.md)).\n\n\
         Key fields are named by role (contact key, account key): their names are configured.\n\
         \"Not documented\" marks a need Salesforce's documentation does not state.\n\n\
         | object or resource | operation | what Gatehouse does | object permission | user permissions | field permissions | when | granted by | without it | source |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for row in &table.rows {
        page.push_str(&render_row(row));
    }
    page
}

fn render_row(row: &AccessRow) -> String {
    let object = row
        .object_access
        .map_or("—".to_owned(), |a| a.label().to_owned());
    let mut users: Vec<String> = row.all_of.iter().map(|p| format!("`{p}`")).collect();
    if !row.any_of.is_empty() {
        let any: Vec<String> = row.any_of.iter().map(|p| format!("`{p}`")).collect();
        users.push(format!("one of {}", any.join(", ")));
    }
    let fields: Vec<String> = row
        .fields
        .iter()
        .map(|f| {
            let access = match f.access {
                FieldAccess::Read => "Read",
                FieldAccess::Edit => "Read, Edit",
            };
            format!("{} {access}", f.role.label())
        })
        .collect();
    let granted = if row.needs_anything() {
        format!("`{}`", row.granted_by())
    } else {
        "—".to_owned()
    };
    let refusal = row.refusal.as_ref().map_or("—".to_owned(), |r| {
        format!("{} `{}` \"{}\"", r.status, r.code, r.message)
    });
    let mut source = format!("[{}]({})", row.source.title, row.source.url);
    if !row.source.documented {
        source.push_str(" (not documented)");
    }
    let mut line = String::new();
    let _ = writeln!(
        line,
        "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        row.subject(),
        row.operation,
        row.calls,
        object,
        dash_if_empty(users.join("; ")),
        dash_if_empty(fields.join("; ")),
        row.when.label(),
        granted,
        refusal,
        source,
    );
    line
}

fn dash_if_empty(text: String) -> String {
    if text.is_empty() {
        "—".to_owned()
    } else {
        text
    }
}
