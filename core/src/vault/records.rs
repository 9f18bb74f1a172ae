//! The records a vault file is made of, as stored, and the transcripts their
//! signatures and ids cover. docs/FORMAT.md describes each field.
//!
//! A record's id is SHA-256 over its transcript followed by its signature, so
//! a record that points at another by id (a parent, a previous event, a head's
//! tips) pins its exact bytes.

use serde::{Deserialize, Serialize};

use crate::member::MemberCard;
use crate::primitives::b64;
use crate::primitives::hash::{Digest, sha256_parts};
use crate::primitives::seal::Sealed;
use crate::primitives::transcript::{Sink, Transcript};

/// A member's role in one vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads, writes, grants and revokes.
    Admin,
    /// Reads and writes entries.
    Editor,
    /// Reads entries (and so leaves audit records).
    Viewer,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub(crate) fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn seal_into<S: Sink>(t: &mut Transcript<S>, sealed: &Sealed) {
    t.bytes(&sealed.nonce)
        .bytes(&sealed.commit)
        .bytes(&sealed.ct);
}

fn digest_into<S: Sink>(t: &mut Transcript<S>, digest: Option<&Digest>) {
    t.bytes(digest.map(|d| d.as_bytes().as_slice()).unwrap_or(&[]));
}

/// A signed record: its transcript's domain and fields, written to any sink
/// so that its id is hashed without building the transcript in memory.
trait Signed {
    const DOMAIN: &'static str;
    fn fields<S: Sink>(&self, vault_id: &str, t: &mut Transcript<S>);
    fn sig(&self) -> &[u8; 64];

    fn transcript(&self, vault_id: &str) -> Transcript {
        let mut t = Transcript::new(Self::DOMAIN);
        self.fields(vault_id, &mut t);
        t
    }

    fn id(&self, vault_id: &str) -> Digest {
        let mut t = Transcript::hashing(Self::DOMAIN);
        self.fields(vault_id, &mut t);
        t.finish(self.sig())
    }
}

/// Makes a record [`Signed`] under `domain`, from its inherent
/// `write_fields`, and gives it inherent `transcript` and `id`.
macro_rules! signed_record {
    ($record:ty, $domain:literal) => {
        impl Signed for $record {
            const DOMAIN: &'static str = $domain;

            fn fields<S: Sink>(&self, vault_id: &str, t: &mut Transcript<S>) {
                self.write_fields(vault_id, t);
            }

            fn sig(&self) -> &[u8; 64] {
                &self.sig
            }
        }

        impl $record {
            pub(crate) fn transcript(&self, vault_id: &str) -> Transcript {
                Signed::transcript(self, vault_id)
            }

            pub(crate) fn id(&self, vault_id: &str) -> Digest {
                Signed::id(self, vault_id)
            }
        }
    };
}

/// One change to the member list. The events form a chain: each names the
/// id of the one before it and is signed by an admin of the list as it
/// stood before the change (the first by the vault's creator).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MemberEvent {
    pub(crate) seq: u64,
    pub(crate) prev: Option<Digest>,
    pub(crate) time: u64,
    pub(crate) author: String,
    #[serde(flatten)]
    pub(crate) change: MemberChange,
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) sig: [u8; 64],
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub(crate) enum MemberChange {
    /// The vault's first record: its creator, an admin, and its sealed name.
    Create {
        card: MemberCard,
        name: Sealed,
    },
    Grant {
        card: MemberCard,
        role: Role,
    },
    /// Removes a member and starts key epoch `epoch`; `previous` is the
    /// retired vault key sealed under the new one, so remaining members still
    /// read versions written before the change.
    Revoke {
        member: String,
        epoch: u64,
        previous: Sealed,
    },
}

signed_record!(MemberEvent, "latchkey member event");

impl MemberEvent {
    fn write_fields<S: Sink>(&self, vault_id: &str, t: &mut Transcript<S>) {
        t.str(vault_id).u64(self.seq);
        digest_into(t, self.prev.as_ref());
        t.u64(self.time).str(&self.author);
        match &self.change {
            MemberChange::Create { card, name } => {
                t.str("create");
                card.transcript_into(t);
                seal_into(t, name);
            }
            MemberChange::Grant { card, role } => {
                t.str("grant");
                card.transcript_into(t);
                t.str(role.as_str());
            }
            MemberChange::Revoke {
                member,
                epoch,
                previous,
            } => {
                t.str("revoke").str(member).u64(*epoch);
                seal_into(t, previous);
            }
        }
    }
}

/// The vault key of one epoch wrapped with RSA-OAEP to one member, signed by
/// the admin who wrapped it. Without that signature a wrap proves nothing:
/// anyone can encrypt to a public key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Wrap {
    pub(crate) epoch: u64,
    pub(crate) recipient: String,
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) fingerprint: [u8; 32],
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize"
    )]
    pub(crate) wrapped: Vec<u8>,
    pub(crate) author: String,
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) sig: [u8; 64],
}

signed_record!(Wrap, "latchkey wrap");

impl Wrap {
    fn write_fields<S: Sink>(&self, vault_id: &str, t: &mut Transcript<S>) {
        t.str(vault_id)
            .u64(self.epoch)
            .str(&self.recipient)
            .bytes(&self.fingerprint);
        t.bytes(&self.wrapped).str(&self.author);
    }
}

/// The OAEP label: names the vault, the recipient and the epoch, so a wrap
/// copied to another vault or member does not decrypt.
pub(crate) fn wrap_label(
    vault_id: &str,
    recipient: &str,
    fingerprint: &[u8; 32],
    epoch: u64,
) -> Vec<u8> {
    let mut t = Transcript::new("latchkey wrap label");
    t.str(vault_id).str(recipient).bytes(fingerprint).u64(epoch);
    t.as_bytes().to_vec()
}

/// One version of one entry: its version key sealed under the vault key of
/// `epoch`, then the overview and the secrets each sealed under the version
/// key. A delete is a version too (its overview says so).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VersionRecord {
    pub(crate) entry: String,
    pub(crate) version: u64,
    pub(crate) parent: Option<Digest>,
    /// Other latest versions of the entry (a conflict) that this version,
    /// written after seeing them, settles. Usually empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) resolves: Vec<Digest>,
    pub(crate) epoch: u64,
    pub(crate) author: String,
    pub(crate) time: u64,
    pub(crate) key: Sealed,
    pub(crate) overview: Sealed,
    pub(crate) secrets: Sealed,
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) sig: [u8; 64],
}

signed_record!(VersionRecord, "latchkey version");

impl VersionRecord {
    fn write_fields<S: Sink>(&self, vault_id: &str, t: &mut Transcript<S>) {
        t.str(vault_id).str(&self.entry).u64(self.version);
        digest_into(t, self.parent.as_ref());
        t.list(self.resolves.iter().map(|d| d.as_bytes().as_slice()));
        t.u64(self.epoch).str(&self.author).u64(self.time);
        seal_into(t, &self.key);
        seal_into(t, &self.overview);
        seal_into(t, &self.secrets);
    }
}

/// One audit record. `parents` are the audit records its writer had seen
/// last (usually one; more after two copies were merged), which chains the
/// log by hash. The body (action, member, entry) is sealed under the vault key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AuditStored {
    pub(crate) parents: Vec<Digest>,
    pub(crate) epoch: u64,
    pub(crate) author: String,
    pub(crate) time: u64,
    pub(crate) body: Sealed,
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) sig: [u8; 64],
}

signed_record!(AuditStored, "latchkey audit record");

impl AuditStored {
    fn write_fields<S: Sink>(&self, vault_id: &str, t: &mut Transcript<S>) {
        t.str(vault_id)
            .list(self.parents.iter().map(|d| d.as_bytes().as_slice()));
        t.u64(self.epoch).str(&self.author).u64(self.time);
        seal_into(t, &self.body);
    }
}

/// The vault head: a counter that only grows, and the ids of every entry's
/// latest versions, of the audit log's latest records and of the member log's
/// last event. MACed with a key derived from the vault key (only members can
/// write one) and signed by its writer (so it says which member did).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HeadRecord {
    pub(crate) counter: u64,
    pub(crate) supersedes: Vec<Digest>,
    pub(crate) writer: String,
    pub(crate) time: u64,
    pub(crate) epoch: u64,
    pub(crate) members: Digest,
    pub(crate) versions: Vec<HeadTip>,
    /// Only in a past head (one a newer head superseded): the digest of its
    /// `versions`, which are then left out. It is all the head's MAC,
    /// signature and id cover of them, so the id stays the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tips: Option<Digest>,
    pub(crate) audit: Vec<Digest>,
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) mac: [u8; 32],
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) sig: [u8; 64],
}

impl HeadRecord {
    /// What the MAC covers.
    pub(crate) fn mac_transcript(&self, vault_id: &str) -> Transcript {
        let mut t = Transcript::new("latchkey head");
        t.str(vault_id).u64(self.counter);
        t.list(self.supersedes.iter().map(|d| d.as_bytes().as_slice()));
        t.str(&self.writer)
            .u64(self.time)
            .u64(self.epoch)
            .bytes(self.members.as_bytes());
        t.bytes(self.tips_digest().as_bytes());
        t.list(self.audit.iter().map(|d| d.as_bytes().as_slice()));
        t
    }

    /// The latest versions enter the MAC and signature through one digest,
    /// so a head over 100,000 entries is hashed once, not once per use, and
    /// a past head can leave them out.
    fn tips_digest(&self) -> Digest {
        if let Some(tips) = self.tips {
            return tips;
        }
        let mut t = Transcript::hashing("latchkey head tips");
        t.u64(self.versions.len() as u64);
        for tip in &self.versions {
            t.str(&tip.entry).u64(tip.version).bytes(tip.id.as_bytes());
        }
        t.finish(&[])
    }

    /// What the signature covers: the MAC transcript and the MAC.
    pub(crate) fn transcript(&self, vault_id: &str) -> Transcript {
        self.transcripts(vault_id).signed
    }

    pub(crate) fn id(&self, vault_id: &str) -> Digest {
        self.transcripts(vault_id).id
    }

    /// The MAC transcript, the signature transcript and the id, with the
    /// tips hashed once for all three.
    pub(crate) fn transcripts(&self, vault_id: &str) -> HeadTranscripts {
        let mac = self.mac_transcript(vault_id);
        let mut signed = mac.clone();
        signed.bytes(&self.mac);
        let id = sha256_parts(&[signed.as_bytes(), &self.sig]);
        HeadTranscripts { mac, signed, id }
    }

    /// The head as kept once a newer head supersedes it: its tips replaced
    /// by their digest. A reader who saw it follows `supersedes` from the
    /// newest heads back to it, proof that the vault it is served grew from
    /// the one it saw.
    pub(crate) fn past(&self) -> HeadRecord {
        HeadRecord {
            counter: self.counter,
            supersedes: self.supersedes.clone(),
            writer: self.writer.clone(),
            time: self.time,
            epoch: self.epoch,
            members: self.members,
            versions: Vec::new(),
            tips: Some(self.tips_digest()),
            audit: self.audit.clone(),
            mac: self.mac,
            sig: self.sig,
        }
    }
}

pub(crate) struct HeadTranscripts {
    pub(crate) mac: Transcript,
    pub(crate) signed: Transcript,
    pub(crate) id: Digest,
}

/// One latest version as a head names it. The entry and version number are
/// there so that a missing tip can be told apart: altered (another record
/// with the same number is there) or dropped (none is).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct HeadTip {
    pub(crate) entry: String,
    pub(crate) version: u64,
    pub(crate) id: Digest,
}
