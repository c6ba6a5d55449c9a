//! Whatever text arrives, parsing answers a query or `MALFORMED_QUERY`, and running a parsed
//! query answers records or a Salesforce error: never a panic.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::super::{execute_at, parse};
use super::org::{now, org};

/// Pieces that make near-queries more often than random bytes would.
const PIECES: &[&str] = &[
    "SELECT",
    "select",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "NULLS",
    "FIRST",
    "LAST",
    "LIMIT",
    "OFFSET",
    "COUNT()",
    "Id",
    "Name",
    "Email",
    "Contact",
    "User",
    "Account",
    "Account.Name",
    "Profile.UserLicense.Name",
    "IsActive",
    "Birthdate",
    "CreatedDate",
    "=",
    "!=",
    "<>",
    "<",
    ">",
    "<=",
    ">=",
    "(",
    ")",
    ",",
    ".",
    "'",
    "'x'",
    "'a\\'b'",
    "'%_'",
    "\\",
    "null",
    "true",
    "FALSE",
    "42",
    "-1",
    "3.5",
    "2026-01-31",
    "2026-01-31T18:42:00Z",
    "2026-02-30",
    "TODAY",
    "LAST_N_DAYS:3",
    "LAST_N_DAYS:",
    "2001",
    " ",
    " ",
    "\n",
    "\t",
    "é",
    "💥",
    "\0",
    "SELECT Id FROM Contact",
    "WHERE Name = 'x'",
];

const VALID: &[&str] = &[
    "SELECT Id, Account.Name FROM Contact WHERE Email LIKE '%@example.com' ORDER BY LastName DESC NULLS LAST LIMIT 5 OFFSET 1",
    "SELECT COUNT() FROM User WHERE IsActive = true AND (Profile.Name = 'x' OR ContactId = null)",
    "SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:30 AND Birthdate < 2000-01-01",
    "SELECT Id FROM User WHERE ContactId IN ('003Xy0000000001QAA', '003Xy0000000002')",
];

fn assert_no_panic_and_salesforce_codes(text: &str) {
    match parse(text) {
        Err(e) => {
            assert_eq!(e.code(), "MALFORMED_QUERY", "{text:?}: {e}");
            assert_eq!(e.status.as_u16(), 400);
            assert!(
                e.errors[0].message.contains("\nERROR at Row:"),
                "{text:?}: {e}"
            );
        }
        Ok(query) => {
            if let Err(e) = execute_at(&query, &org(), "68.0", now()) {
                let known = [
                    "INVALID_FIELD",
                    "INVALID_TYPE",
                    "MALFORMED_QUERY",
                    "INVALID_QUERY_FILTER_OPERATOR",
                    "NUMBER_OUTSIDE_VALID_RANGE",
                ];
                assert!(known.contains(&e.code()), "{text:?}: {e}");
            }
        }
    }
}

#[test]
fn random_pieces_never_panic_and_fail_only_as_malformed() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x0050_514c);
    for _ in 0..3000 {
        let len = rng.gen_range(0..14);
        let text: String = (0..len)
            .map(|_| *PIECES.choose(&mut rng).unwrap_or(&" "))
            .collect::<Vec<_>>()
            .join(if rng.gen_bool(0.8) { " " } else { "" });
        assert_no_panic_and_salesforce_codes(&text);
    }
}

#[test]
fn random_characters_never_panic() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..3000 {
        let len = rng.gen_range(0..40);
        let text: String = (0..len)
            .map(|_| match rng.gen_range(0..4) {
                0 => char::from(rng.gen_range(0x20u8..0x7f)),
                1 => char::from_u32(rng.gen_range(0..0x11_0000)).unwrap_or('\u{fffd}'),
                2 => ['\'', '\\', '(', ')', '%', '_', '.', ':', '-', '\n'][rng.gen_range(0..10)],
                _ => char::from(rng.gen_range(b'a'..=b'z')),
            })
            .collect();
        assert_no_panic_and_salesforce_codes(&text);
    }
}

#[test]
fn mutated_valid_queries_never_panic() {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    for valid in VALID {
        assert!(parse(valid).is_ok(), "{valid}");
    }
    for _ in 0..3000 {
        let mut chars: Vec<char> = VALID.choose(&mut rng).unwrap_or(&"").chars().collect();
        for _ in 0..rng.gen_range(1..4) {
            let at = rng.gen_range(0..=chars.len());
            match rng.gen_range(0..3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 => chars.insert(
                    at,
                    *['\'', '(', ')', ' ', ',', '.', 'X', '0', '\\', '%']
                        .choose(&mut rng)
                        .unwrap_or(&' '),
                ),
                _ => chars.truncate(at),
            }
        }
        let text: String = chars.into_iter().collect();
        assert_no_panic_and_salesforce_codes(&text);
    }
}
