//! Our SM2 signatures against another implementation (gmssl, in Python): each verifies the
//! other's, so a signature made here is standard SM2 with SM3 and the default identifier, and a
//! web team's tools can check it. `scripts/setup.sh` installs gmssl for the tests
//! (`DESK_TEST_PYTHON` names another interpreter that has it).

use desk_trust::{KeyPair, PublicKey, Signature};
use std::path::PathBuf;
use std::process::Command;

fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("DESK_TEST_PYTHON") {
        return PathBuf::from(path);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    root.join("target/pytools/bin/python")
}

fn other(args: &[&str]) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sm2_other.py");
    let python = python();
    let out = Command::new(&python)
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} could not run ({e}): run scripts/setup.sh, which installs gmssl for these tests",
                python.display()
            )
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn another_implementation_verifies_our_signatures_and_refuses_a_changed_message() {
    let pair = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let message = "disclosure-desk/signoff/v1 关于2019年义务教育招生的通知".as_bytes();
    let signature = pair.sign(message);
    let public = pair.public_key().to_hex();
    assert_eq!(
        other(&["verify", &public, &hex(message), &signature.to_hex()]),
        "valid"
    );
    assert_eq!(
        other(&[
            "verify",
            &public,
            &hex(b"another message"),
            &signature.to_hex()
        ]),
        "invalid"
    );
}

#[test]
fn we_verify_another_implementations_signatures() {
    let message = "公开属性：主动公开".as_bytes();
    let out = other(&["sign", &hex(message)]);
    let (public, signature) = out
        .split_once(' ')
        .unwrap_or_else(|| panic!("unexpected output: {out}"));
    let public = PublicKey::from_hex(public).unwrap_or_else(|e| panic!("{e}"));
    let signature = Signature::from_hex(signature).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(public.verify(message, &signature), Ok(()));
    assert!(public.verify(b"changed", &signature).is_err());
}
