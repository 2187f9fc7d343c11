//! What can go wrong with keys, signatures and the roster, each with a stable code.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TrustError {
    #[error("the password is wrong")]
    WrongPassword,
    #[error("this key was made on another PC: its secret part opens only there; enrol a new key on this PC")]
    KeyOfAnotherPc,
    #[error("the key file cannot be read: {0}")]
    KeyFileDamaged(String),
    #[error("a public key does not read: {0}")]
    BadPublicKey(String),
    #[error("the signature does not match what it claims to sign")]
    BadSignature,
    #[error("the roster is not signed by the office key {expected} (it names {found})")]
    RosterNotByOfficeKey { expected: String, found: String },
    #[error("the roster cannot be read: {0}")]
    RosterDamaged(String),
    #[error("the roster's version {found} is older than the {known} already held")]
    RosterOlder { found: u64, known: u64 },
    #[error("no random numbers could be had from the system: {0}")]
    NoRandomness(String),
    #[error("a fingerprint has 40 digits, in eight groups of five: {0}")]
    BadFingerprint(String),
}

impl TrustError {
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::WrongPassword => "wrong_password",
            TrustError::KeyOfAnotherPc => "key_of_another_pc",
            TrustError::KeyFileDamaged(_) => "key_file_damaged",
            TrustError::BadPublicKey(_) => "bad_public_key",
            TrustError::BadSignature => "bad_signature",
            TrustError::RosterNotByOfficeKey { .. } => "roster_not_by_office_key",
            TrustError::RosterDamaged(_) => "roster_damaged",
            TrustError::RosterOlder { .. } => "roster_older",
            TrustError::NoRandomness(_) => "no_randomness",
            TrustError::BadFingerprint(_) => "bad_fingerprint",
        }
    }
}

pub type Result<T> = std::result::Result<T, TrustError>;

/// Fills `buf` from the operating system's random source.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| TrustError::NoRandomness(e.to_string()))
}
