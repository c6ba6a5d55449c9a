//! Usernames, aliases and community nicknames: valid by Salesforce's rules, and deterministic
//! candidates for when one is taken.
//!
//! A Salesforce username must be unique across *every* org (production and sandboxes alike), so
//! a perfectly good username can be refused with `DUPLICATE_USERNAME` for reasons no one in this
//! org can see. `CommunityNickname` must be unique in the org (`DUPLICATE_COMM_NICKNAME`). The
//! executor then tries the next candidate; the sequences here are fixed, so a retry or a replay
//! after a crash walks the same list and never invents a second account for one person.

/// Longest username Salesforce accepts.
pub const USERNAME_MAX: usize = 80;
/// Longest `CommunityNickname`.
pub const NICKNAME_MAX: usize = 40;
/// Longest `Alias`.
pub const ALIAS_MAX: usize = 8;

/// Why a text cannot be a Salesforce username.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("a username cannot be empty")]
    Empty,
    #[error("a username is at most {max} characters (Salesforce's limit); this one has {len}")]
    TooLong { len: usize, max: usize },
    #[error(
        "a username has the form of an email address (name@domain.tld), though it need not receive mail"
    )]
    NotEmailShaped,
}

/// Checks that `text` is a username Salesforce will take: email-shaped and at most 80 characters.
/// Uniqueness only Salesforce can tell.
pub fn check_username(text: &str) -> Result<(), UsernameError> {
    if text.is_empty() {
        return Err(UsernameError::Empty);
    }
    let len = text.chars().count();
    if len > USERNAME_MAX {
        return Err(UsernameError::TooLong {
            len,
            max: USERNAME_MAX,
        });
    }
    if is_email_shaped(text) {
        Ok(())
    } else {
        Err(UsernameError::NotEmailShaped)
    }
}

/// Whether `text` looks like `local@domain.tld`: one `@`, a local part of printable ASCII
/// without spaces, and a domain of at least two dot-separated labels of letters, digits and `-`.
/// A shape check, not a deliverability check.
pub fn is_email_shaped(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    local_ok && domain_ok
}

/// The usernames to try, in order: `first` itself, then `first` with 2, 3, … inserted before
/// the `@` (`ada@partner.example.acme`, `ada2@partner.example.acme`, …). When a number would push
/// a candidate past 80 characters, the local part is shortened to make room, so every candidate
/// stays valid. At most `max` candidates; none when `first` is not a valid username.
pub fn username_candidates(first: &str, max: usize) -> Vec<String> {
    if check_username(first).is_err() {
        return Vec::new();
    }
    let Some((local, domain)) = first.split_once('@') else {
        return Vec::new();
    };
    let mut candidates = Vec::with_capacity(max);
    if max > 0 {
        candidates.push(first.to_owned());
    }
    for n in 2.. {
        if candidates.len() >= max {
            break;
        }
        let suffix = n.to_string();
        // Room left for the local part once the number and `@domain` are in.
        let room = USERNAME_MAX.saturating_sub(domain.chars().count() + 1 + suffix.len());
        let stem = trimmed_local(local, room);
        if stem.is_empty() {
            break;
        }
        candidates.push(format!("{stem}{suffix}@{domain}"));
    }
    candidates
}

/// The nicknames to try, in order: `first`, then `first2`, `first3`, … each cut to 40
/// characters with the number kept. At most `max`; none for an empty `first`.
pub fn nickname_candidates(first: &str, max: usize) -> Vec<String> {
    let first = first.trim();
    if first.is_empty() {
        return Vec::new();
    }
    let mut candidates = Vec::with_capacity(max);
    if max > 0 {
        candidates.push(first.chars().take(NICKNAME_MAX).collect());
    }
    for n in 2.. {
        if candidates.len() >= max {
            break;
        }
        let suffix = n.to_string();
        let stem: String = first
            .chars()
            .take(NICKNAME_MAX.saturating_sub(suffix.len()))
            .collect();
        candidates.push(format!("{stem}{suffix}"));
    }
    candidates
}

/// An `Alias` (at most 8 characters, required on every User) from the person's names: the first
/// initial and the last name, lowercased, letters and digits only (`Ada Lovelace` → `alovelac`).
/// Names with no ASCII letters fall back to the last 8 letters and digits of `fallback`'s last
/// `:` segment (the subject key's source id), then to `user`. Aliases need not be unique.
pub fn derive_alias(first_name: Option<&str>, last_name: &str, fallback: &str) -> String {
    let initial: String = first_name
        .map(ascii_word)
        .and_then(|f| f.chars().next())
        .map(String::from)
        .unwrap_or_default();
    // The initial alone is no alias: with no usable last name, fall back like a name-less person.
    let initial = if ascii_word(last_name).is_empty() {
        String::new()
    } else {
        initial
    };
    let from_names: String = format!("{initial}{}", ascii_word(last_name))
        .chars()
        .take(ALIAS_MAX)
        .collect();
    if !from_names.is_empty() {
        return from_names;
    }
    // A subject key's last segment is the source's own id for the person (`bamboohr:67890`).
    let id = fallback.rsplit(':').next().unwrap_or(fallback);
    let from_fallback: String = ascii_word(id)
        .chars()
        .rev()
        .take(ALIAS_MAX)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if from_fallback.is_empty() {
        "user".to_owned()
    } else {
        from_fallback
    }
}

/// A `CommunityNickname` from the person's names: `first.last`, lowercased, letters and digits
/// only, at most 40 characters (`Ada Lovelace` → `ada.lovelace`); `fallback`'s last `:` segment
/// (the subject key's source id) when the names give nothing. Collisions are settled by [`nickname_candidates`].
pub fn derive_nickname(first_name: Option<&str>, last_name: &str, fallback: &str) -> String {
    let parts: Vec<String> = [first_name.unwrap_or(""), last_name]
        .into_iter()
        .map(ascii_word)
        .filter(|p| !p.is_empty())
        .collect();
    let joined = if parts.is_empty() {
        ascii_word(fallback.rsplit(':').next().unwrap_or(fallback))
    } else {
        parts.join(".")
    };
    let nickname: String = joined.chars().take(NICKNAME_MAX).collect();
    if nickname.is_empty() {
        "user".to_owned()
    } else {
        nickname
    }
}

/// Lowercase ASCII letters and digits of `text`, in order; everything else dropped.
fn ascii_word(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The local part cut to `room` characters, without a trailing dot (which would make it invalid).
fn trimmed_local(local: &str, room: usize) -> String {
    let cut: String = local.chars().take(room).collect();
    cut.trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests;
