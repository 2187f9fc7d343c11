//! A secret key sealed under a password and the PC's secret: it opens with both, and only then.

use desk_trust::sealed::{self, SealedKey, MAX_SEALED_BYTES};
use desk_trust::{KeyPair, TrustError};
use proptest::prelude::*;

/// Few iterations: the count is the file's, and the tests need no slow derivation.
const FAST: u32 = 1_000;

fn sealed_key(password: &str, pc: &[u8]) -> (KeyPair, SealedKey) {
    let pair = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let sealed =
        sealed::seal(&pair, "person-1", password, pc, FAST).unwrap_or_else(|e| panic!("{e}"));
    (pair, sealed)
}

#[test]
fn it_opens_with_the_password_on_its_pc_and_signs_as_before() {
    let pc = sealed::new_pc_secret().unwrap_or_else(|e| panic!("{e}"));
    let (pair, sealed) = sealed_key("正确的口令 2026", &pc);
    let bytes = sealed.to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    // The secret is nowhere in the file, nor the PC's secret.
    assert!(!text.contains(&hex(&pc)));
    let read = SealedKey::from_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let opened = read
        .open("正确的口令 2026", &pc)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(opened.public_key(), pair.public_key());
    let signature = opened.sign(b"message");
    assert_eq!(pair.public_key().verify(b"message", &signature), Ok(()));
}

#[test]
fn a_wrong_password_is_a_clear_error() {
    let pc = sealed::new_pc_secret().unwrap_or_else(|e| panic!("{e}"));
    let (_, sealed) = sealed_key("口令", &pc);
    for wrong in ["", "口令 ", "口", "kouling"] {
        assert_eq!(
            sealed.open(wrong, &pc).map(|_| ()),
            Err(TrustError::WrongPassword),
            "{wrong:?}"
        );
    }
    assert_eq!(TrustError::WrongPassword.code(), "wrong_password");
}

#[test]
fn a_key_file_copied_to_another_pc_does_not_open_there_even_with_the_password() {
    let pc = sealed::new_pc_secret().unwrap_or_else(|e| panic!("{e}"));
    let other_pc = sealed::new_pc_secret().unwrap_or_else(|e| panic!("{e}"));
    let (_, sealed) = sealed_key("口令", &pc);
    let copied = SealedKey::from_bytes(&sealed.to_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        copied.open("口令", &other_pc).map(|_| ()),
        Err(TrustError::KeyOfAnotherPc)
    );
    // Nor when the PC's tag in the file is changed to the other PC's: the tag is under the MAC,
    // and the derived key needs the first PC's secret.
    let mut forged = copied.clone();
    forged.pc_tag = sealed::pc_tag(&other_pc);
    assert_eq!(
        forged.open("口令", &other_pc).map(|_| ()),
        Err(TrustError::WrongPassword)
    );
}

#[test]
fn a_key_file_changed_by_hand_does_not_open() {
    let pc = sealed::new_pc_secret().unwrap_or_else(|e| panic!("{e}"));
    let (_, sealed) = sealed_key("口令", &pc);
    let other = KeyPair::generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .public_key();
    let changes: Vec<(&str, Change)> = vec![
        ("owner", Box::new(|s| s.owner = "person-2".into())),
        (
            "public key",
            Box::new(move |s| s.public_key = other.clone()),
        ),
        ("iterations", Box::new(|s| s.iterations += 1)),
        ("salt", Box::new(|s| s.salt = "00".repeat(16))),
        ("nonce", Box::new(|s| s.nonce = "00".repeat(16))),
        ("ciphertext", Box::new(|s| s.ciphertext = "11".repeat(32))),
        ("mac", Box::new(|s| s.mac = "22".repeat(32))),
    ];
    for (what, change) in changes {
        let mut changed = sealed.clone();
        change(&mut changed);
        assert!(
            changed.open("口令", &pc).is_err(),
            "{what} changed and it opened"
        );
    }
    let mut short = sealed.clone();
    short.ciphertext = "11".repeat(31);
    assert!(matches!(
        short.open("口令", &pc),
        Err(TrustError::KeyFileDamaged(_))
    ));
}

#[test]
fn a_hostile_key_file_is_refused_before_any_work() {
    assert!(matches!(
        SealedKey::from_bytes(&vec![b' '; MAX_SEALED_BYTES + 1]),
        Err(TrustError::KeyFileDamaged(_))
    ));
    let pc = sealed::new_pc_secret().unwrap_or_else(|e| panic!("{e}"));
    let (_, sealed) = sealed_key("口令", &pc);
    let mut value: serde_json::Value =
        serde_json::from_slice(&sealed.to_bytes()).unwrap_or_default();
    // An iteration count that would keep the PC busy for hours.
    value["iterations"] = serde_json::json!(u32::MAX);
    let bytes = serde_json::to_vec(&value).unwrap_or_default();
    assert!(matches!(
        SealedKey::from_bytes(&bytes),
        Err(TrustError::KeyFileDamaged(_))
    ));
    value["iterations"] = serde_json::json!(FAST);
    value["format"] = serde_json::json!("disclosure-desk-sealed-key/9");
    let bytes = serde_json::to_vec(&value).unwrap_or_default();
    assert!(matches!(
        SealedKey::from_bytes(&bytes),
        Err(TrustError::KeyFileDamaged(_))
    ));
}

/// One way to change a key file by hand.
type Change = Box<dyn Fn(&mut SealedKey)>;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn any_bytes_read_as_a_key_file_are_an_error_or_a_key_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = SealedKey::from_bytes(&bytes);
    }
}
