//! Salesforce record ids: 15-character case-sensitive ids, their 18-character case-safe form,
//! key prefixes by object type, and a deterministic generator.
//!
//! Clients compare ids, store them and put them in URLs; a simulated org whose ids did not
//! follow Salesforce's checksum would let a client bug (comparing a 15-character id with an
//! 18-character one) pass unnoticed.

use std::collections::BTreeMap;

/// Key prefix of Account ids.
pub const ACCOUNT: &str = "001";
/// Key prefix of Contact ids.
pub const CONTACT: &str = "003";
/// Key prefix of User ids.
pub const USER: &str = "005";
/// Key prefix of Profile ids.
pub const PROFILE: &str = "00e";
/// Key prefix of UserLicense ids.
pub const USER_LICENSE: &str = "100";
/// Key prefix of UserRole ids.
pub const USER_ROLE: &str = "00E";
/// Key prefix of UserLogin ids.
pub const USER_LOGIN: &str = "060";
/// Key prefix of Network (Experience Cloud site) ids.
pub const NETWORK: &str = "0DB";
/// Key prefix of NetworkMember ids.
pub const NETWORK_MEMBER: &str = "0DM";
/// Key prefix of NetworkMemberGroup ids.
pub const NETWORK_MEMBER_GROUP: &str = "0DN";
/// Key prefix of PermissionSet ids.
pub const PERMISSION_SET: &str = "0PS";
/// Key prefix of PermissionSetAssignment ids.
pub const PERMISSION_SET_ASSIGNMENT: &str = "0Pa";
/// Key prefix of ObjectPermissions ids.
pub const OBJECT_PERMISSIONS: &str = "110";
/// Key prefix of FieldPermissions ids.
pub const FIELD_PERMISSIONS: &str = "01k";
/// Key prefix of the organization id.
pub const ORGANIZATION: &str = "00D";
/// Key prefix of query locators (`nextRecordsUrl`).
pub const QUERY_LOCATOR: &str = "01g";

/// The alphabet the case-safe suffix is drawn from: one character per 5-bit value.
const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// Digits of the counter part of generated ids, in Salesforce's base-62 order.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The three-character case-safe suffix of a 15-character id: for each 5-character chunk, one
/// bit per uppercase letter (the first character is the lowest bit), mapped into
/// `A–Z0–5`. `None` when `id15` is not 15 ASCII alphanumerics.
pub fn checksum(id15: &str) -> Option<String> {
    if id15.len() != 15 || !id15.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let bytes = id15.as_bytes();
    let suffix = bytes
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_uppercase())
                .fold(0usize, |acc, (i, _)| acc | (1 << i));
            char::from(SUFFIX_ALPHABET[bits])
        })
        .collect();
    Some(suffix)
}

/// The 18-character form of a 15- or 18-character id; `None` when the id is malformed (including
/// an 18-character id whose suffix does not match its first 15 characters, case-insensitively —
/// the suffix exists precisely so that case-insensitive systems can tell ids apart).
pub fn to18(id: &str) -> Option<String> {
    match id.len() {
        15 => checksum(id).map(|s| format!("{id}{s}")),
        18 => {
            let (base, suffix) = id.split_at(15);
            let expected = checksum(base)?;
            expected
                .eq_ignore_ascii_case(suffix)
                .then(|| format!("{base}{expected}"))
        }
        _ => None,
    }
}

/// The 15-character, case-sensitive form of a valid 15- or 18-character id.
pub fn to15(id: &str) -> Option<&str> {
    to18(id).map(|_| &id[..15])
}

/// Whether `id` is a well-formed 15- or 18-character id.
pub fn is_valid(id: &str) -> bool {
    to18(id).is_some()
}

/// The three-character key prefix of an id (what type of record it names), if it is long enough.
pub fn key_prefix(id: &str) -> Option<&str> {
    id.get(..3)
}

/// Hands out ids in a fixed sequence per key prefix, so a test run sees the same ids every time.
///
/// Generated ids look like real ones: key prefix, a two-character instance code, then a
/// base-62 counter (`0035g0000000001` → `0035g0000000001AAA`).
#[derive(Debug, Clone, Default)]
pub struct IdGenerator {
    counters: BTreeMap<String, u64>,
}

/// The two characters after the key prefix: the pod the record was created on.
const INSTANCE_CODE: &str = "5g";

impl IdGenerator {
    /// The next 18-character id with this key prefix.
    pub fn next(&mut self, prefix: &str) -> String {
        let counter = self.counters.entry(prefix.to_owned()).or_insert(0);
        *counter += 1;
        let base = format!("{prefix}{INSTANCE_CODE}{}", base62(*counter, 10));
        // The base is built from ASCII alphanumerics and is 15 characters long, so a
        // suffix always exists; fall back to the base rather than panicking.
        let suffix = checksum(&base).unwrap_or_default();
        format!("{base}{suffix}")
    }
}

/// `n` in base 62, left-padded with zeros to `width` digits (wider numbers keep all digits).
fn base62(mut n: u64, width: usize) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8_lossy(&digits).into_owned()
}

#[cfg(test)]
mod tests;
