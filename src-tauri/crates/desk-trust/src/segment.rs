//! Segments signed by the PC that wrote them. A device key signs the digest of a segment's
//! operations (as records, in order) with the catalog, the device and the range they hold; not
//! the file itself, so that a copy of the same operations published again by another PC (a
//! relay) carries the writer's proof unchanged, and a relay can restore operations but never
//! alter or invent them. One signature per segment, not per operation: verifying costs one SM2
//! verification and one SM3 pass over the records.

use crate::error::Result;
use crate::keys::{KeyPair, PublicKey, Signature};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

pub const SEGMENT_PURPOSE: &str = "disclosure-desk/segment/v1";

/// What a segment's proof covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentClaim {
    pub catalog_id: String,
    /// The device whose operations these are (a snapshot: the device that wrote it).
    pub device_id: String,
    /// `ops` or `snapshot`.
    pub kind: &'static str,
    pub first_seq: u64,
    pub last_seq: u64,
    pub count: u64,
    /// SM3 of the records, from [`RecordDigest`], as hex.
    pub digest: String,
}

impl SegmentClaim {
    /// The exact bytes signed: a JSON array in a fixed order (no field can run into another).
    pub fn message(&self) -> Vec<u8> {
        serde_json::to_vec(&[
            SEGMENT_PURPOSE,
            &self.catalog_id,
            &self.device_id,
            self.kind,
            &self.first_seq.to_string(),
            &self.last_seq.to_string(),
            &self.count.to_string(),
            &self.digest,
        ])
        .unwrap_or_default()
    }

    pub fn sign(&self, device_key: &KeyPair) -> SegmentProof {
        SegmentProof {
            public_key: device_key.public_key(),
            signature: device_key.sign(&self.message()),
        }
    }
}

/// A device key's signature over a [`SegmentClaim`], as a segment's header carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentProof {
    pub public_key: PublicKey,
    pub signature: Signature,
}

impl SegmentProof {
    /// Whether this proof's key signed `claim`. Whether the key may sign for the device is the
    /// roster's to say.
    pub fn verify(&self, claim: &SegmentClaim) -> Result<()> {
        self.public_key.verify(&claim.message(), &self.signature)
    }
}

/// SM3 over a run of records, each preceded by its length, so that records cannot be cut or
/// joined differently under the same digest.
#[derive(Default, Clone)]
pub struct RecordDigest {
    hasher: Sm3,
    records: u64,
}

impl RecordDigest {
    pub fn new() -> RecordDigest {
        RecordDigest::default()
    }

    pub fn add(&mut self, record: &[u8]) {
        self.hasher.update((record.len() as u64).to_le_bytes());
        self.hasher.update(record);
        self.records += 1;
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn finish(self) -> String {
        crate::keys::hex_encode(&self.hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(digest: &str) -> SegmentClaim {
        SegmentClaim {
            catalog_id: "c".into(),
            device_id: "0123456789ab".into(),
            kind: "ops",
            first_seq: 1,
            last_seq: 2,
            count: 2,
            digest: digest.into(),
        }
    }

    fn digest_of(records: &[&[u8]]) -> String {
        let mut digest = RecordDigest::new();
        for record in records {
            digest.add(record);
        }
        digest.finish()
    }

    #[test]
    fn a_proof_holds_for_its_claim_only() {
        let key = KeyPair::generate().unwrap();
        let digest = digest_of(&[b"{\"a\":1}", b"{\"b\":2}"]);
        let proof = claim(&digest).sign(&key);
        proof.verify(&claim(&digest)).unwrap();

        let altered = digest_of(&[b"{\"a\":1}", b"{\"b\":3}"]);
        assert!(proof.verify(&claim(&altered)).is_err());
        let mut other_device = claim(&digest);
        other_device.device_id = "ba9876543210".into();
        assert!(proof.verify(&other_device).is_err());
        let mut longer = claim(&digest);
        longer.last_seq = 3;
        assert!(proof.verify(&longer).is_err());
    }

    #[test]
    fn records_joined_differently_digest_differently() {
        assert_ne!(digest_of(&[b"ab", b"c"]), digest_of(&[b"a", b"bc"]));
        assert_ne!(digest_of(&[b"ab"]), digest_of(&[b"ab", b""]));
    }
}
