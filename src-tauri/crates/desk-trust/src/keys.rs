//! SM2 key pairs and signatures. Every signature is made over a message that begins with a
//! purpose tag (see `signoff` and `roster`), so that one made for one purpose never passes for
//! another.

use crate::error::{random_bytes, Result, TrustError};
use crate::fingerprint::Fingerprint;
use serde::{Deserialize, Serialize};
use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{SigningKey, VerifyingKey};
use std::fmt;

/// The distinguishing identifier GB/T 35276 gives as the default, so that other SM2 tools
/// verify our signatures as they are.
const DIST_ID: &str = "1234567812345678";

/// A public key: the uncompressed SEC1 point (65 bytes), written as hex.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PublicKey(Vec<u8>);

impl PublicKey {
    pub fn from_hex(text: &str) -> Result<PublicKey> {
        let bytes = hex_decode(text).ok_or_else(|| TrustError::BadPublicKey("not hex".into()))?;
        VerifyingKey::from_sec1_bytes(DIST_ID, &bytes)
            .map_err(|_| TrustError::BadPublicKey("not a point of the SM2 curve".into()))?;
        Ok(PublicKey(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex_encode(&self.0)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.0)
    }

    /// Whether `signature` is this key's over `message`.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<()> {
        let key = VerifyingKey::from_sec1_bytes(DIST_ID, &self.0)
            .map_err(|_| TrustError::BadPublicKey("not a point of the SM2 curve".into()))?;
        let signature =
            sm2::dsa::Signature::from_slice(&signature.0).map_err(|_| TrustError::BadSignature)?;
        key.verify(message, &signature)
            .map_err(|_| TrustError::BadSignature)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint())
    }
}

impl TryFrom<String> for PublicKey {
    type Error = TrustError;
    fn try_from(text: String) -> Result<PublicKey> {
        PublicKey::from_hex(&text)
    }
}

impl From<PublicKey> for String {
    fn from(key: PublicKey) -> String {
        key.to_hex()
    }
}

/// An SM2 signature: r and s, 64 bytes, written as hex.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Signature(Vec<u8>);

impl Signature {
    pub fn from_hex(text: &str) -> Result<Signature> {
        match hex_decode(text) {
            Some(bytes) if bytes.len() == 64 => Ok(Signature(bytes)),
            _ => Err(TrustError::BadSignature),
        }
    }

    pub fn to_hex(&self) -> String {
        hex_encode(&self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_hex())
    }
}

impl TryFrom<String> for Signature {
    type Error = TrustError;
    fn try_from(text: String) -> Result<Signature> {
        Signature::from_hex(&text)
    }
}

impl From<Signature> for String {
    fn from(signature: Signature) -> String {
        signature.to_hex()
    }
}

/// A key pair. Its secret part exists unsealed only in memory, while a person signs.
pub struct KeyPair {
    signing: SigningKey,
}

impl KeyPair {
    /// A new key pair from the system's random source.
    pub fn generate() -> Result<KeyPair> {
        // A scalar from 32 random bytes; the rare value outside the group is drawn again.
        for _ in 0..64 {
            let mut bytes = [0u8; 32];
            random_bytes(&mut bytes)?;
            if let Ok(pair) = KeyPair::from_secret_bytes(&bytes) {
                return Ok(pair);
            }
        }
        Err(TrustError::NoRandomness(
            "no valid secret key in 64 draws".into(),
        ))
    }

    pub(crate) fn from_secret_bytes(bytes: &[u8]) -> Result<KeyPair> {
        let signing = SigningKey::from_slice(DIST_ID, bytes)
            .map_err(|_| TrustError::KeyFileDamaged("the secret part is not an SM2 key".into()))?;
        Ok(KeyPair { signing })
    }

    pub(crate) fn secret_bytes(&self) -> Vec<u8> {
        self.signing.to_bytes().to_vec()
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key().to_sec1_bytes().to_vec())
    }

    pub fn sign(&self, message: &[u8]) -> Signature {
        let signature: sm2::dsa::Signature = self.signing.sign(message);
        Signature(signature.to_bytes().to_vec())
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPair({})", self.public_key().fingerprint())
    }
}

pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    // `usize::is_multiple_of` needs Rust 1.87; the workspace declares rust-version 1.85.
    #[allow(clippy::manual_is_multiple_of)]
    let odd = text.len() % 2 != 0;
    if odd || text.len() > 4096 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
