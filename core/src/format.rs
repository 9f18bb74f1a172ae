//! Format version, object kinds, and the error for input that is not a
//! well-formed latchkey object.
//!
//! Every stored object starts with `kind` and `format`. Both are checked
//! before anything else is read, so an unknown or older format is named as
//! such instead of surfacing as a confusing field error.

use serde::Deserialize;

/// The one format this build reads and writes. There is no legacy mode: a
/// file with any other number is refused.
pub const FORMAT_VERSION: u32 = 2;

pub(crate) const KIND_MEMBER: &str = "latchkey.member";
pub(crate) const KIND_DEVICE_MEMBER: &str = "latchkey.device-member";
pub(crate) const KIND_VAULT: &str = "latchkey.vault";

/// Input that is not a well-formed latchkey object. Each variant says what
/// was wrong and where, so a person can tell a damaged file from a wrong one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not valid latchkey JSON: {message} (line {line}, column {column})")]
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("this is a `{found}`, expected a `{expected}`; check which file was chosen")]
    WrongKind {
        expected: &'static str,
        found: String,
    },
    #[error(
        "format version {found} is not supported (this build reads version {supported}); \
         update latchkey or use the build that wrote the file"
    )]
    UnsupportedFormat { found: u64, supported: u32 },
    #[error("{what} is invalid: {why}")]
    Invalid { what: String, why: String },
    #[error("these are two different vaults ({ours} and {theirs}); only copies of one vault merge")]
    DifferentVaults { ours: String, theirs: String },
}

impl FormatError {
    pub(crate) fn invalid(what: impl Into<String>, why: impl Into<String>) -> FormatError {
        FormatError::Invalid {
            what: what.into(),
            why: why.into(),
        }
    }

    fn json(error: &serde_json::Error) -> FormatError {
        FormatError::Json {
            message: error.to_string(),
            line: error.line(),
            column: error.column(),
        }
    }
}

/// The two fields read first; serde skips every other field unparsed.
#[derive(Deserialize)]
struct Header {
    kind: Option<String>,
    format: Option<u64>,
}

/// Parses a stored object after checking its kind and format version.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    kind: &'static str,
) -> Result<T, FormatError> {
    let header: Header = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    let found = header
        .kind
        .ok_or_else(|| FormatError::invalid("the object", "no `kind` field"))?;
    if found != kind {
        return Err(FormatError::WrongKind {
            expected: kind,
            found,
        });
    }

    let format = header
        .format
        .ok_or_else(|| FormatError::invalid("the object", "no `format` field"))?;
    if format != u64::from(FORMAT_VERSION) {
        return Err(FormatError::UnsupportedFormat {
            found: format,
            supported: FORMAT_VERSION,
        });
    }

    serde_json::from_str(text).map_err(|e| FormatError::json(&e))
}

/// The `kind` and `format` fields every stored object carries.
#[derive(Debug, Clone, serde::Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Tag {
    pub(crate) kind: String,
    pub(crate) format: u32,
}

impl Tag {
    pub(crate) fn new(kind: &str) -> Tag {
        Tag {
            kind: kind.to_owned(),
            format: FORMAT_VERSION,
        }
    }
}

/// Checks an id: 1 to 64 characters of letters, digits and `. _ @ -`, so ids
/// can appear in file names, labels and messages without escaping.
pub(crate) fn check_id(what: &str, id: &str) -> Result<(), FormatError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-');
    if id.is_empty() || id.len() > 64 || !id.chars().all(allowed) {
        return Err(FormatError::invalid(
            what,
            "use 1 to 64 letters, digits, `.`, `_`, `@` or `-`",
        ));
    }
    Ok(())
}
