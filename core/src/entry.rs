//! Entries as the caller sees them: the draft written, the overview listed,
//! the secrets revealed.
//!
//! Each version is sealed in two parts. The overview holds what listing,
//! search and page matching need; the secrets hold what only a reveal, copy
//! or fill needs. Opening a vault decrypts overviews only.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::format::FormatError;
use crate::matching::MatchMode;
use crate::secret::Secret;
use crate::vault::EntryId;

/// A saved URL and how it is matched against pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedUrl {
    pub url: String,
    pub mode: MatchMode,
}

/// A custom field's value. Hidden values are secrets and travel in the
/// secrets part; text and booleans are listed with the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    Text(String),
    Hidden(Secret),
    Boolean(bool),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub name: String,
    pub value: FieldValue,
}

/// Everything a person types into an entry. `folder` is empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryDraft {
    pub title: String,
    pub username: String,
    pub password: Secret,
    pub urls: Vec<SavedUrl>,
    /// An `otpauth://` URI.
    pub totp: Option<Secret>,
    pub notes: Secret,
    pub fields: Vec<CustomField>,
    pub folder: String,
}

/// Limits that keep one entry from growing the vault without bound.
const MAX_TEXT: usize = 1_000;
const MAX_NOTES: usize = 100_000;
const MAX_LIST: usize = 100;

impl EntryDraft {
    pub(crate) fn check(&self) -> Result<(), FormatError> {
        let short = [("the title", &self.title), ("the username", &self.username)];
        for (what, text) in short {
            if text.chars().count() > MAX_TEXT {
                return Err(FormatError::invalid(
                    what,
                    format!("keep it under {MAX_TEXT} characters"),
                ));
            }
        }
        if self.title.trim().is_empty() {
            return Err(FormatError::invalid("the title", "an entry needs a title"));
        }
        if self.folder.chars().count() > MAX_TEXT {
            return Err(FormatError::invalid(
                "the folder",
                "keep it under 1000 characters",
            ));
        }
        if self.notes.expose().len() > MAX_NOTES || self.password.expose().len() > MAX_NOTES {
            return Err(FormatError::invalid(
                "the notes or password",
                "keep it under 100 kB",
            ));
        }
        if self.urls.len() > MAX_LIST || self.fields.len() > MAX_LIST {
            return Err(FormatError::invalid(
                "the entry",
                "keep URLs and fields under 100 each",
            ));
        }
        Ok(())
    }

    /// Splits the draft into its two sealed parts.
    pub(crate) fn split(self, change: Change) -> (OverviewBody, SecretsBody) {
        let mut visible = Vec::new();
        let mut hidden = Vec::new();
        for field in self.fields {
            match field.value {
                FieldValue::Hidden(secret) => hidden.push((field.name, secret)),
                value => visible.push(CustomField {
                    name: field.name,
                    value,
                }),
            }
        }
        let overview = OverviewBody {
            title: self.title,
            username: self.username,
            urls: self.urls,
            folder: self.folder,
            fields: visible,
            hidden_fields: hidden.iter().map(|(name, _)| name.clone()).collect(),
            has_totp: self.totp.is_some(),
            change,
        };
        let secrets = SecretsBody {
            password: self.password,
            totp: self.totp,
            notes: self.notes,
            hidden,
        };
        (overview, secrets)
    }
}

/// Joins a version's two parts back into the draft that made it, so that an
/// edit of one field keeps every other one.
pub(crate) fn join(overview: &OverviewBody, secrets: SecretsBody) -> EntryDraft {
    let mut fields = overview.fields.clone();
    fields.extend(
        secrets
            .hidden
            .into_iter()
            .map(|(name, secret)| CustomField {
                name,
                value: FieldValue::Hidden(secret),
            }),
    );
    EntryDraft {
        title: overview.title.clone(),
        username: overview.username.clone(),
        password: secrets.password,
        urls: overview.urls.clone(),
        totp: secrets.totp,
        notes: secrets.notes,
        fields,
        folder: overview.folder.clone(),
    }
}

/// What made a version: the first one, an edit, a rollback to an older
/// version number, or a delete (a tombstone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", content = "from", rename_all = "snake_case")]
pub enum Change {
    Create,
    Edit,
    Rollback(u64),
    Delete,
}

/// The overview part as sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OverviewWire")]
pub(crate) struct OverviewBody {
    pub(crate) title: String,
    pub(crate) username: String,
    pub(crate) urls: Vec<SavedUrl>,
    pub(crate) folder: String,
    pub(crate) fields: Vec<CustomField>,
    pub(crate) hidden_fields: Vec<String>,
    pub(crate) has_totp: bool,
    #[serde(flatten)]
    pub(crate) change: Change,
}

/// An overview as read: the same JSON as [`OverviewBody`] writes, with the
/// change's tag and number read as plain fields. Reading through serde's
/// `flatten` buffers every field first, which cost a fifth of opening a
/// vault; this reads each field once.
#[derive(Deserialize)]
struct OverviewWire {
    title: String,
    username: String,
    urls: Vec<SavedUrl>,
    folder: String,
    fields: Vec<CustomField>,
    hidden_fields: Vec<String>,
    has_totp: bool,
    change: ChangeKind,
    #[serde(default)]
    from: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChangeKind {
    Create,
    Edit,
    Rollback,
    Delete,
}

impl TryFrom<OverviewWire> for OverviewBody {
    type Error = &'static str;

    fn try_from(wire: OverviewWire) -> Result<OverviewBody, &'static str> {
        let change = match (wire.change, wire.from) {
            (ChangeKind::Create, None) => Change::Create,
            (ChangeKind::Edit, None) => Change::Edit,
            (ChangeKind::Delete, None) => Change::Delete,
            (ChangeKind::Rollback, Some(from)) => Change::Rollback(from),
            (ChangeKind::Rollback, None) => return Err("a rollback names its version"),
            (_, Some(_)) => return Err("only a rollback names a version"),
        };
        Ok(OverviewBody {
            title: wire.title,
            username: wire.username,
            urls: wire.urls,
            folder: wire.folder,
            fields: wire.fields,
            hidden_fields: wire.hidden_fields,
            has_totp: wire.has_totp,
            change,
        })
    }
}

/// The secrets part as sealed.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(crate) struct SecretsBody {
    pub(crate) password: Secret,
    pub(crate) totp: Option<Secret>,
    pub(crate) notes: Secret,
    pub(crate) hidden: Vec<(String, Secret)>,
}

/// An entry as listed: everything but its secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryOverview {
    pub id: EntryId,
    pub version: u64,
    pub title: String,
    pub username: String,
    pub urls: Vec<SavedUrl>,
    pub folder: String,
    /// Text and boolean custom fields.
    pub fields: Vec<CustomField>,
    /// Names of the hidden custom fields (their values are secrets).
    pub hidden_fields: Vec<String>,
    pub has_totp: bool,
    /// Unix seconds of the latest version.
    pub updated: u64,
    /// Member id of the latest version's author.
    pub updated_by: String,
}

impl EntryOverview {
    pub(crate) fn from_body(
        id: EntryId,
        version: u64,
        time: u64,
        author: &str,
        body: &OverviewBody,
    ) -> EntryOverview {
        EntryOverview {
            id,
            version,
            title: body.title.clone(),
            username: body.username.clone(),
            urls: body.urls.clone(),
            folder: body.folder.clone(),
            fields: body.fields.clone(),
            hidden_fields: body.hidden_fields.clone(),
            has_totp: body.has_totp,
            updated: time,
            updated_by: author.to_owned(),
        }
    }
}

/// One entry's secrets, decrypted for a reveal, copy or fill. Wiped on drop;
/// `Debug` shows none of it.
pub struct EntrySecrets {
    pub password: Secret,
    /// The `otpauth://` URI, when the entry has one.
    pub totp: Option<Secret>,
    pub notes: Secret,
    /// Hidden custom fields, by name.
    pub hidden_fields: Vec<(String, Secret)>,
}

impl fmt::Debug for EntrySecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EntrySecrets(<hidden>)")
    }
}

impl From<SecretsBody> for EntrySecrets {
    fn from(body: SecretsBody) -> EntrySecrets {
        EntrySecrets {
            password: body.password,
            totp: body.totp,
            notes: body.notes,
            hidden_fields: body.hidden,
        }
    }
}

/// Why secrets are being decrypted; each kind is its own audit action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Reveal,
    Copy,
    Fill,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(change: Change) -> OverviewBody {
        OverviewBody {
            title: "Mail".into(),
            username: "ops".into(),
            urls: vec![SavedUrl {
                url: "https://mail.example.com".into(),
                mode: crate::matching::MatchMode::Host,
            }],
            folder: "Team".into(),
            fields: vec![CustomField {
                name: "pin set".into(),
                value: FieldValue::Boolean(true),
            }],
            hidden_fields: vec!["recovery".into()],
            has_totp: true,
            change,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn an_overview_reads_back_as_written() {
        for change in [
            Change::Create,
            Change::Edit,
            Change::Rollback(3),
            Change::Delete,
        ] {
            let written = serde_json::to_string(&body(change)).unwrap();
            let read: OverviewBody = serde_json::from_str(&written).unwrap();
            assert_eq!(read, body(change), "{written}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_change_and_its_version_must_agree() {
        let written = serde_json::to_string(&body(Change::Edit)).unwrap();
        let with_from = written.replace(r#""change":"edit""#, r#""change":"edit","from":2"#);
        assert!(serde_json::from_str::<OverviewBody>(&with_from).is_err());
        let bare = written.replace(r#""change":"edit""#, r#""change":"rollback""#);
        assert!(serde_json::from_str::<OverviewBody>(&bare).is_err());
    }
}
