//! The audit trail's public shape. Records are stored sealed under the vault
//! key and chained by hash (see `vault::records::AuditStored`).

use serde::{Deserialize, Serialize};

use crate::vault::EntryId;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    CreateVault,
    Create,
    Update,
    Rollback,
    Delete,
    Reveal,
    Copy,
    Fill,
    Grant,
    Revoke,
}

/// The sealed body of an audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AuditBody {
    pub(crate) action: AuditAction,
    pub(crate) member: String,
    pub(crate) entry: Option<String>,
    pub(crate) version: Option<u64>,
    /// The member granted or revoked.
    pub(crate) subject: Option<String>,
}

/// One audit record, opened and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub time: u64,
    pub member: String,
    pub action: AuditAction,
    pub entry: Option<EntryId>,
    pub version: Option<u64>,
    pub subject: Option<String>,
}
