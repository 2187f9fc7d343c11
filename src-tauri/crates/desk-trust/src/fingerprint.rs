//! A key's fingerprint in a form people compare by eye, aloud or on paper: forty digits in eight
//! groups of five, from the SM3 hash of the public key (digits read aloud the same in every
//! dialect, and need no case or look-alike letters).

use crate::error::{Result, TrustError};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};
use std::fmt;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fingerprint(String);

impl Fingerprint {
    pub fn of(public_key: &[u8]) -> Fingerprint {
        let hash = Sm3::digest(public_key);
        let mut digits = String::with_capacity(40);
        // Four bytes of the hash per group, reduced to five digits (about 16.6 bits each).
        for chunk in hash.chunks(4).take(8) {
            let value = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            digits.push_str(&format!("{:05}", value % 100_000));
        }
        Fingerprint(digits)
    }

    /// Reads a fingerprint as a person types it: any spaces or dashes between the digits.
    pub fn parse(text: &str) -> Result<Fingerprint> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() != 40 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(TrustError::BadFingerprint(text.chars().take(80).collect()));
        }
        Ok(Fingerprint(digits))
    }

    /// The forty digits alone.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<&str> = (0..8)
            .filter_map(|i| self.0.get(i * 5..i * 5 + 5))
            .collect();
        write!(f, "{}", groups.join(" "))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = TrustError;
    fn try_from(text: String) -> Result<Fingerprint> {
        Fingerprint::parse(&text)
    }
}

impl From<Fingerprint> for String {
    fn from(fingerprint: Fingerprint) -> String {
        fingerprint.to_string()
    }
}
