//! The errors of opening and using a vault.
//!
//! Two families, on purpose. A failure of cryptography (a key that does not
//! unwrap, a seal that does not open, a MAC or signature that does not check)
//! is always [`OpenError::CannotOpen`] or [`VaultError::CannotOpen`], whatever
//! failed, so no one learns which check a forged record got past. A
//! structural finding (an older head, a fork, a broken chain, an unsigned
//! member or wrap) is named, because a person has to act on it.

use crate::format::FormatError;
use crate::kdf::KdfError;
use crate::vault::Role;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error(
        "cannot open this vault: its keys or records do not check out; restore it from a \
         copy you trust, or ask an admin to share it again"
    )]
    CannotOpen,
    #[error("you ({member}) are not a member of this vault; ask one of its admins to add you")]
    NotAMember { member: String },
    #[error(
        "this vault's member list does not lead back to a key you trust: {who} added you and \
         is not the admin whose fingerprint you confirmed; do not use it, and tell your admin"
    )]
    Untrusted { who: String },
    #[error(
        "the change to member {member} is not signed by an admin; someone edited the member list, \
         so do not use this copy"
    )]
    UnsignedMember { member: String },
    #[error(
        "the vault key for {recipient} is not signed by an admin; the store may have planted a \
         key, so do not use this copy"
    )]
    UnsignedWrap { recipient: String },
    #[error("the {log} is broken: {at}; records were removed or altered, restore a good copy")]
    BrokenChain { log: &'static str, at: String },
    #[error("the {log} has forked: {at}; two histories were served, tell your admin")]
    Fork { log: &'static str, at: String },
    #[error(
        "the store served an older vault (head {served}, you have seen head {seen}); it may be \
         rolling back changes, so do not trust it"
    )]
    OlderHead { served: u64, seen: u64 },
    #[error("records were dropped: {what}; restore a good copy")]
    Dropped { what: String },
    #[error("records no head vouches for were added: {what}; do not use this copy")]
    Unvouched { what: String },
    #[error("the newest head was written by {member}, who was removed from the vault")]
    RemovedWriter { member: String },
    #[error(
        "{member}, a {role} at the time, signed {what}, which only {needs} may write; the copy \
         was forged by hand, so do not use it and tell your admin"
    )]
    RoleForbids {
        member: String,
        role: Role,
        what: String,
        needs: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("cannot open this record: it does not check out; restore a copy you trust")]
    CannotOpen,
    #[error("no entry {0} in this vault")]
    NoSuchEntry(String),
    #[error("entry {entry} has no version {version}")]
    NoSuchVersion { entry: String, version: u64 },
    #[error("entry {0} was deleted; roll it back to a version to bring it back")]
    Deleted(String),
    #[error("as {role:?} you cannot {action}; ask an admin")]
    NotAllowed { role: Role, action: &'static str },
    #[error(
        "the key offered for {member} has fingerprint {found}, not the {confirmed} you confirmed; \
         it may have been substituted, so it was not added"
    )]
    FingerprintMismatch {
        member: String,
        confirmed: String,
        found: String,
    },
    #[error("{0} is already a member")]
    AlreadyMember(String),
    #[error("{0} is not a member")]
    NotAMember(String),
    #[error("{0} is the last admin; add another admin first")]
    LastAdmin(String),
    #[error("the version by {author} is not validly signed; do not trust it")]
    BadSignature { author: String },
    #[error("the vault key could not be wrapped for {0}; check their card")]
    Wrap(String),
    #[error(transparent)]
    Invalid(#[from] FormatError),
    #[error(transparent)]
    Kdf(#[from] KdfError),
}
