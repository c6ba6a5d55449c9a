use super::*;

#[test]
fn matches_the_rfc_4231_test_vector() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    let expected =
        hex_to_base64("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_eq!(sign(b"Jefe", b"what do ya want for nothing?"), expected);
}

fn hex_to_base64(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
