//! Personal data known by the name of the field that carries it: a field named `email` or
//! `last_name` is masked whatever its value looks like, so a name never depends on the
//! email-shaped net to be caught (names have no shape to scan for).

use std::borrow::Cow;

use super::{Masked, email, mask_emails, name};

/// What kind of personal value a field holds, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An email address or a Salesforce username (which has an email's shape).
    Email,
    /// A first, last or full name, a nickname or an alias.
    Name,
}

/// Field names (lowercase, without `_` or `-`) holding an email address or a username.
const EMAIL_FIELDS: &[&str] = &["email", "emailaddress", "username", "federationid"];

/// Field names (lowercase, without `_` or `-`) holding a person's name.
const NAME_FIELDS: &[&str] = &[
    "firstname",
    "lastname",
    "givenname",
    "familyname",
    "fullname",
    "displayname",
    "nickname",
    "communitynickname",
    "alias",
];

/// The kind of personal value a field named `key` holds, if any. The last segment of a dotted
/// or slashed name counts (`contact.last_name`, `/data/user/email`), in any case or separator
/// style (`LastName`, `last-name`).
pub fn kind_of(key: &str) -> Option<Kind> {
    let last = key.rsplit(['.', '/']).next().unwrap_or(key);
    let plain: String = last
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if EMAIL_FIELDS.contains(&plain.as_str()) {
        Some(Kind::Email)
    } else if NAME_FIELDS.contains(&plain.as_str()) {
        Some(Kind::Name)
    } else {
        None
    }
}

impl Kind {
    /// `value` masked as this kind.
    pub fn mask(self, value: &str) -> Masked {
        match self {
            Kind::Email => email(value),
            Kind::Name => name(value),
        }
    }
}

/// The value of the field `key` as logs and traces show it: masked whole when the field's name
/// says it is personal, else with anything email-shaped in it masked.
pub fn field<'a>(key: &str, value: &'a str) -> Cow<'a, str> {
    match kind_of(key) {
        Some(kind) if !value.is_empty() => Cow::Owned(kind.mask(value).0),
        _ => mask_emails(value),
    }
}
