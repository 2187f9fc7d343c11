//! Minisign keys and signatures in the text form the Tauri updater reads: a public key or a
//! signature is the base64 of minisign's own text box, and the signature's trusted comment names
//! the version it was signed for (`timestamp:…\tfile:…\tversion:1.2.3`).
//!
//! The signed version matters as much as the signature: latest.json itself is not signed, so
//! without it a changed manifest could announce "2.0.0" for an older, validly signed package.
//! Keys made by `tauri signer generate` and by `desk release keygen` are the same format.

use crate::UpdateError;
use base64::Engine;
use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};
use std::io::Cursor;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// An office's public key, as configured on its PCs.
pub struct OfficeKey {
    key: PublicKey,
}

/// minisign prints key ids as the little-endian number in upper-case hex.
fn key_id(keynum: &[u8]) -> String {
    keynum.iter().rev().map(|b| format!("{b:02X}")).collect()
}

fn decode_text(text: &str) -> Option<String> {
    let compact: String = text.split_whitespace().collect();
    let bytes = B64.decode(compact).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(desk_core::windows::text::as_lf(&text).into_owned())
}

impl OfficeKey {
    /// Reads a public key written as the Tauri updater expects (base64 of the minisign box), as
    /// the minisign box itself (the two lines of a `.pub` file), or as the bare key line.
    pub fn parse(text: &str) -> Result<OfficeKey, UpdateError> {
        let text = desk_core::windows::text::as_lf(text);
        let text = text.trim();
        if text.is_empty() {
            return Err(UpdateError::KeyInvalid("no public key is set".into()));
        }
        let boxed = if text.starts_with("untrusted comment:") {
            Some(text.to_string())
        } else {
            decode_text(text).filter(|t| t.starts_with("untrusted comment:"))
        };
        let key = match boxed {
            Some(b) => PublicKeyBox::from_string(&b).and_then(PublicKeyBox::into_public_key),
            None => PublicKey::from_base64(text),
        }
        .map_err(|e| UpdateError::KeyInvalid(e.to_string()))?;
        Ok(OfficeKey { key })
    }

    pub fn id(&self) -> String {
        key_id(self.key.keynum())
    }

    /// The key in the form the Tauri updater and `update.json` take.
    pub fn to_config_text(&self) -> Result<String, UpdateError> {
        let boxed = self
            .key
            .to_box()
            .map_err(|e| UpdateError::KeyInvalid(e.to_string()))?;
        Ok(B64.encode(boxed.into_string()))
    }

    /// Checks `bytes` against `signature` (base64, as in latest.json) and that the signature was
    /// made for `announced_version`. Nothing about the signature is trusted before it verifies.
    pub fn verify(
        &self,
        bytes: &[u8],
        signature: &str,
        announced_version: &str,
    ) -> Result<(), UpdateError> {
        let text = decode_text(signature)
            .ok_or_else(|| UpdateError::SignatureMalformed("not base64 text".into()))?;
        let sig = SignatureBox::from_string(&text)
            .map_err(|e| UpdateError::SignatureMalformed(e.to_string()))?;
        if sig.keynum() != self.key.keynum() {
            return Err(UpdateError::WrongKey {
                signed_by: key_id(sig.keynum()),
                expected: self.id(),
            });
        }
        minisign::verify(&self.key, &sig, Cursor::new(bytes), true, false, false)
            .map_err(|_| UpdateError::PackageChanged)?;
        let comment = sig
            .trusted_comment()
            .map_err(|e| UpdateError::SignatureMalformed(e.to_string()))?;
        let signed = signed_version(&comment).ok_or(UpdateError::VersionNotSigned)?;
        let same = match (parse_version(signed), parse_version(announced_version)) {
            (Ok(a), Ok(b)) => a == b,
            _ => signed == announced_version,
        };
        if same {
            Ok(())
        } else {
            Err(UpdateError::VersionMismatch {
                announced: announced_version.to_string(),
                signed: signed.to_string(),
            })
        }
    }
}

impl OfficeKey {
    /// Why a signature that failed somewhere else (the updater plugin's own check) failed: another
    /// key, an unreadable signature, or a package that does not match it.
    pub fn explain_refusal(&self, signature: &str) -> UpdateError {
        let Some(text) = decode_text(signature) else {
            return UpdateError::SignatureMalformed("not base64 text".into());
        };
        match SignatureBox::from_string(&text) {
            Err(e) => UpdateError::SignatureMalformed(e.to_string()),
            Ok(sig) if sig.keynum() != self.key.keynum() => UpdateError::WrongKey {
                signed_by: key_id(sig.keynum()),
                expected: self.id(),
            },
            Ok(_) => UpdateError::PackageChanged,
        }
    }
}

fn signed_version(trusted_comment: &str) -> Option<&str> {
    trusted_comment
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"))
}

/// A version as latest.json and the app write it (`1.2.3`, also `v1.2.3`).
pub fn parse_version(text: &str) -> Result<semver::Version, UpdateError> {
    semver::Version::parse(text.trim().trim_start_matches('v'))
        .map_err(|_| UpdateError::VersionInvalid(text.to_string()))
}

/// The office's signing key, unlocked.
pub struct SigningKey {
    key: SecretKey,
}

impl SigningKey {
    /// Reads a secret key file's text (base64 of the minisign box, as `tauri signer generate` and
    /// `desk release keygen` write it, or the box itself). `password` unlocks an encrypted key.
    pub fn parse(text: &str, password: Option<&str>) -> Result<SigningKey, UpdateError> {
        let text = desk_core::windows::text::as_lf(text);
        let text = text.trim();
        let boxed = if text.starts_with("untrusted comment:") {
            text.to_string()
        } else {
            decode_text(text).ok_or_else(|| {
                UpdateError::SecretKeyInvalid("the file does not hold a minisign secret key".into())
            })?
        };
        let sk_box = SecretKeyBox::from_string(&boxed)
            .map_err(|e| UpdateError::SecretKeyInvalid(e.to_string()))?;
        if let Ok(key) =
            SecretKeyBox::from_string(&boxed).and_then(SecretKeyBox::into_unencrypted_secret_key)
        {
            if !key.is_encrypted() {
                return Ok(SigningKey { key });
            }
        }
        let key = sk_box
            .into_secret_key(Some(password.unwrap_or("").to_string()))
            .map_err(|_| {
                UpdateError::SecretKeyInvalid(
                    "the key is protected by a password and the one given does not open it".into(),
                )
            })?;
        Ok(SigningKey { key })
    }

    /// Signs `bytes` for `version`, in the form latest.json carries (base64 of the box).
    pub fn sign(
        &self,
        bytes: &[u8],
        file_name: &str,
        version: &str,
    ) -> Result<String, UpdateError> {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let trusted = format!("timestamp:{timestamp}\tfile:{file_name}\tversion:{version}");
        let sig = minisign::sign(None, &self.key, Cursor::new(bytes), Some(&trusted), None)
            .map_err(|e| UpdateError::SecretKeyInvalid(e.to_string()))?;
        Ok(B64.encode(sig.into_string()))
    }
}

/// A new key pair as `(secret key file text, public key text)`. With a password the secret key
/// is encrypted (scrypt, as minisign and `tauri signer generate` do); without one it is not, and
/// the file itself must be kept safe.
pub fn generate_key_pair(password: Option<&str>) -> Result<(String, String), UpdateError> {
    let failed = |e: minisign::PError| UpdateError::SecretKeyInvalid(e.to_string());
    let pair = match password {
        Some(p) => KeyPair::generate_encrypted_keypair(Some(p.to_string())).map_err(failed)?,
        None => KeyPair::generate_unencrypted_keypair().map_err(failed)?,
    };
    let secret = pair
        .sk
        .to_box(Some("Disclosure Desk update signing key"))
        .map_err(failed)?
        .into_string();
    let public = pair.pk.to_box().map_err(failed)?.into_string();
    Ok((B64.encode(secret), B64.encode(public)))
}
