//! A secret key sealed under a password, for the key file on the PC that made it.
//!
//! The key that seals comes from the password and a secret of the PC (kept beside the app's
//! settings, never in the catalog, the share, a bundle or a log) through PBKDF2 with HMAC-SM3.
//! PBKDF2-HMAC-SM3 is the password-based derivation built from the SM series (GB/T 39786 assesses
//! against SM algorithms; memory-hard derivations such as Argon2 are not among them); its cost is
//! its iteration count, stored in the file and chosen so that one try takes about half a second
//! on an office PC, which makes guessing slow and signing still quick. The secret is encrypted
//! with SM4 in counter mode, and HMAC-SM3 over the whole file (encrypt then MAC) tells a wrong
//! password from a damaged file. A key file copied to another PC does not open there: the PC's
//! secret is missing, and the file says so by the PC's tag.

use crate::error::{random_bytes, Result, TrustError};
use crate::keys::{hex_decode, hex_encode, KeyPair, PublicKey};
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

const FORMAT: &str = "disclosure-desk-sealed-key/1";
/// A quarter of a second per try on a current 2-core PC (measured: 0.22 s to seal, 0.23 s to
/// open), about half a second on an older office PC.
pub const DEFAULT_ITERATIONS: u32 = 300_000;
/// A file may not make a PC work longer than this on one try (a hostile file names any count).
pub const MAX_ITERATIONS: u32 = 5_000_000;
/// The size of the secret a PC keeps for sealing.
pub const PC_SECRET_LEN: usize = 32;
/// A key file larger than this is not read.
pub const MAX_SEALED_BYTES: usize = 16 * 1024;

type Sm4Ctr = ctr::Ctr128BE<sm4::Sm4>;

/// The sealed key as the key file holds it (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKey {
    pub format: String,
    /// Whose key: a person's id, the office, or a PC's device id (shown, and bound by the MAC).
    pub owner: String,
    pub public_key: PublicKey,
    pub kdf: String,
    pub iterations: u32,
    pub salt: String,
    /// The first bytes of SM3 over the PC's secret: which PC's secret the key was sealed with.
    pub pc_tag: String,
    pub cipher: String,
    pub nonce: String,
    pub ciphertext: String,
    pub mac: String,
}

/// The tag a PC's secret is known by (not the secret: eight bytes of its SM3 hash).
pub fn pc_tag(pc_secret: &[u8]) -> String {
    hex_encode(&Sm3::digest(pc_secret)[..8])
}

/// A new random secret for this PC.
pub fn new_pc_secret() -> Result<Vec<u8>> {
    let mut secret = vec![0u8; PC_SECRET_LEN];
    random_bytes(&mut secret)?;
    Ok(secret)
}

/// Seals `pair`'s secret under `password` and this PC's secret.
pub fn seal(
    pair: &KeyPair,
    owner: &str,
    password: &str,
    pc_secret: &[u8],
    iterations: u32,
) -> Result<SealedKey> {
    let mut salt = [0u8; 16];
    random_bytes(&mut salt)?;
    let mut nonce = [0u8; 16];
    random_bytes(&mut nonce)?;
    let iterations = iterations.clamp(1, MAX_ITERATIONS);
    let (cipher_key, mac_key) = derive(password, pc_secret, &salt, iterations)?;
    let mut secret = pair.secret_bytes();
    apply_keystream(&cipher_key, &nonce, &mut secret)?;
    let mut sealed = SealedKey {
        format: FORMAT.into(),
        owner: owner.into(),
        public_key: pair.public_key(),
        kdf: "pbkdf2-hmac-sm3".into(),
        iterations,
        salt: hex_encode(&salt),
        pc_tag: pc_tag(pc_secret),
        cipher: "sm4-ctr".into(),
        nonce: hex_encode(&nonce),
        ciphertext: hex_encode(&secret),
        mac: String::new(),
    };
    sealed.mac = hex_encode(&mac_of(&sealed, &mac_key)?);
    Ok(sealed)
}

impl SealedKey {
    /// Reads a key file's bytes (bounded; any shape of file is an error, never a panic).
    pub fn from_bytes(bytes: &[u8]) -> Result<SealedKey> {
        if bytes.len() > MAX_SEALED_BYTES {
            return Err(TrustError::KeyFileDamaged("the file is too large".into()));
        }
        let sealed: SealedKey =
            serde_json::from_slice(bytes).map_err(|e| TrustError::KeyFileDamaged(e.to_string()))?;
        if sealed.format != FORMAT || sealed.kdf != "pbkdf2-hmac-sm3" || sealed.cipher != "sm4-ctr"
        {
            return Err(TrustError::KeyFileDamaged(format!(
                "{} is not a key file this version reads",
                sealed.format
            )));
        }
        if !(1..=MAX_ITERATIONS).contains(&sealed.iterations) {
            return Err(TrustError::KeyFileDamaged(
                "its iteration count is out of range".into(),
            ));
        }
        Ok(sealed)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// The key pair, with the password and this PC's secret.
    pub fn open(&self, password: &str, pc_secret: &[u8]) -> Result<KeyPair> {
        if pc_tag(pc_secret) != self.pc_tag {
            return Err(TrustError::KeyOfAnotherPc);
        }
        let field = |name: &str, text: &str, len: usize| {
            hex_decode(text)
                .filter(|b| b.len() == len)
                .ok_or_else(|| TrustError::KeyFileDamaged(format!("its {name} does not read")))
        };
        let salt = field("salt", &self.salt, 16)?;
        let nonce = field("nonce", &self.nonce, 16)?;
        let mut secret = field("ciphertext", &self.ciphertext, 32)?;
        let mac = field("MAC", &self.mac, 32)?;
        let (cipher_key, mac_key) = derive(password, pc_secret, &salt, self.iterations)?;
        let mut check = Hmac::<Sm3>::new_from_slice(&mac_key)
            .map_err(|_| TrustError::KeyFileDamaged("no MAC key".into()))?;
        check.update(&mac_input(self));
        // Compared in constant time. A file changed by hand fails here too: without the
        // password nobody can tell the two apart, and neither can we.
        check
            .verify_slice(&mac)
            .map_err(|_| TrustError::WrongPassword)?;
        apply_keystream(&cipher_key, &nonce, &mut secret)?;
        let pair = KeyPair::from_secret_bytes(&secret)?;
        if pair.public_key() != self.public_key {
            return Err(TrustError::KeyFileDamaged(
                "its secret and public parts do not belong together".into(),
            ));
        }
        Ok(pair)
    }
}

/// SM4-CTR: the same call seals and opens.
fn apply_keystream(key: &[u8], nonce: &[u8], data: &mut [u8]) -> Result<()> {
    let mut cipher = Sm4Ctr::new_from_slices(key, nonce)
        .map_err(|_| TrustError::KeyFileDamaged("the cipher could not be set up".into()))?;
    cipher.apply_keystream(data);
    Ok(())
}

fn derive(
    password: &str,
    pc_secret: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut input = Vec::with_capacity(password.len() + pc_secret.len() + 1);
    input.extend_from_slice(pc_secret);
    input.push(0);
    input.extend_from_slice(password.as_bytes());
    let mut out = [0u8; 48];
    pbkdf2::pbkdf2::<Hmac<Sm3>>(&input, salt, iterations, &mut out)
        .map_err(|_| TrustError::KeyFileDamaged("the key could not be derived".into()))?;
    Ok((out[..16].to_vec(), out[16..].to_vec()))
}

/// Every field but the MAC, in a fixed order, each length-prefixed.
fn mac_input(sealed: &SealedKey) -> Vec<u8> {
    let mut input = Vec::new();
    for part in [
        sealed.format.as_str(),
        sealed.owner.as_str(),
        &sealed.public_key.to_hex(),
        sealed.kdf.as_str(),
        &sealed.iterations.to_string(),
        sealed.salt.as_str(),
        sealed.pc_tag.as_str(),
        sealed.cipher.as_str(),
        sealed.nonce.as_str(),
        sealed.ciphertext.as_str(),
    ] {
        input.extend_from_slice(&(part.len() as u64).to_be_bytes());
        input.extend_from_slice(part.as_bytes());
    }
    input
}

fn mac_of(sealed: &SealedKey, mac_key: &[u8]) -> Result<Vec<u8>> {
    let mut mac = Hmac::<Sm3>::new_from_slice(mac_key)
        .map_err(|_| TrustError::KeyFileDamaged("no MAC key".into()))?;
    mac.update(&mac_input(sealed));
    Ok(mac.finalize().into_bytes().to_vec())
}
