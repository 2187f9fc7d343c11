//! Key pairs, signatures and fingerprints: what verifies, and everything that must not.

use desk_trust::{Fingerprint, KeyPair, PublicKey, Signature, TrustError};

fn pair() -> KeyPair {
    KeyPair::generate().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_signature_verifies_with_its_key_only_and_over_its_message_only() {
    let (alice, bob) = (pair(), pair());
    let signature = alice.sign(b"sign-off of item 1");
    assert_eq!(
        alice.public_key().verify(b"sign-off of item 1", &signature),
        Ok(())
    );
    assert_eq!(
        alice.public_key().verify(b"sign-off of item 2", &signature),
        Err(TrustError::BadSignature)
    );
    assert_eq!(
        bob.public_key().verify(b"sign-off of item 1", &signature),
        Err(TrustError::BadSignature)
    );
    // Every bit of the signature matters.
    let hex = signature.to_hex();
    for at in 0..hex.len() {
        let mut flipped = hex.clone().into_bytes();
        flipped[at] = if flipped[at] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap_or_default();
        if let Ok(changed) = Signature::from_hex(&flipped) {
            assert!(
                alice
                    .public_key()
                    .verify(b"sign-off of item 1", &changed)
                    .is_err(),
                "digit {at} changed and it still verified"
            );
        }
    }
}

#[test]
fn keys_and_signatures_that_do_not_read_are_errors_not_panics() {
    for text in [
        "",
        "zz",
        "04",
        &"00".repeat(65),
        &"ff".repeat(65),
        &"a".repeat(100_000),
    ] {
        assert!(PublicKey::from_hex(text).is_err(), "{}", text.len());
    }
    for text in [
        "",
        "00",
        &"00".repeat(63),
        &"00".repeat(65),
        "g".repeat(128).as_str(),
    ] {
        assert!(Signature::from_hex(text).is_err(), "{}", text.len());
    }
    // A signature of the right length but not a valid (r, s) is refused, not a panic.
    let zeros = Signature::from_hex(&"00".repeat(64)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        pair().public_key().verify(b"x", &zeros),
        Err(TrustError::BadSignature)
    );
}

#[test]
fn a_public_key_round_trips_through_its_hex_and_json() {
    let key = pair().public_key();
    assert_eq!(key.as_bytes().len(), 65);
    assert_eq!(PublicKey::from_hex(&key.to_hex()), Ok(key.clone()));
    let json = serde_json::to_string(&key).unwrap_or_default();
    let back: PublicKey = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, key);
    assert!(serde_json::from_str::<PublicKey>("\"04abcd\"").is_err());
}

#[test]
fn a_fingerprint_is_eight_groups_of_five_digits_and_reads_back_as_typed() {
    let key = pair().public_key();
    let fingerprint = key.fingerprint();
    let shown = fingerprint.to_string();
    let groups: Vec<&str> = shown.split(' ').collect();
    assert_eq!(groups.len(), 8, "{shown}");
    assert!(groups
        .iter()
        .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit())));
    assert_eq!(Fingerprint::parse(&shown), Ok(fingerprint.clone()));
    assert_eq!(
        Fingerprint::parse(&shown.replace(' ', "-")),
        Ok(fingerprint.clone())
    );
    assert_eq!(
        Fingerprint::parse(fingerprint.digits()),
        Ok(fingerprint.clone())
    );
    assert_ne!(pair().public_key().fingerprint(), fingerprint);
    for bad in [
        "",
        "1234",
        &fingerprint.digits()[..39],
        &format!("{}0", fingerprint.digits()),
        "abcde fghij klmno pqrst uvwxy zabcd efghi jklmn",
    ] {
        assert_eq!(
            Fingerprint::parse(bad).map_err(|e| e.code()),
            Err("bad_fingerprint"),
            "{bad}"
        );
    }
}
