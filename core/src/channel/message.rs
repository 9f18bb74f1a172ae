//! The typed messages inside the session: requests from the extension and the host's
//! answers, each `{ "id": n, "type": "...", ... }`. An answer echoes its request's id.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use zeroize::Zeroizing;

use super::code::ErrorCode;
use super::error::FrameError;
use super::frame::{check_type, redact, type_name};
use super::strict_json::parse_strict;

/// A member's 32-byte device key on the wire (base64). Wiped on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceKeyBytes(pub Zeroizing<[u8; 32]>);

impl fmt::Debug for DeviceKeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceKeyBytes(..)")
    }
}

impl Serialize for DeviceKeyBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Zeroizing::new(B64.encode(self.0.as_ref())))
    }
}

impl<'de> Deserialize<'de> for DeviceKeyBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(d)?);
        let bytes = Zeroizing::new(
            B64.decode(text.as_bytes())
                .map_err(|_| serde::de::Error::custom("device key is not base64"))?,
        );
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| serde::de::Error::custom("device key is not 32 bytes"))?;
        Ok(DeviceKeyBytes(Zeroizing::new(key)))
    }
}

/// A request from the extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub body: RequestBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestBody {
    /// The OS store, the vault file and, given a member, whether quick unlock is set up.
    Status {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
    },
    Version,
    DeviceKeyStore {
        member: String,
        key: DeviceKeyBytes,
    },
    DeviceKeyLoad {
        member: String,
    },
    DeviceKeyDelete {
        member: String,
    },
    VaultRead,
    /// The member file the command line uses (sealed under its passphrase), so the
    /// extension can open the same vault as the same member.
    MemberRead,
    /// `vault` is the vault file's JSON text, as latchkey-core writes it.
    VaultWrite {
        vault: String,
    },
}

/// The request `type` names.
pub const REQUEST_TYPES: &[&str] = &[
    "status",
    "version",
    "device_key_store",
    "device_key_load",
    "device_key_delete",
    "vault_read",
    "member_read",
    "vault_write",
];

/// An answer from the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The request's id; 0 for an answer to a message whose id could not be read.
    pub id: u64,
    pub body: ResponseBody,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreState {
    Available,
    Locked,
    Missing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStatus {
    pub state: StoreState,
    /// What the user can do about it, in plain words.
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultState {
    pub path: String,
    pub exists: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: u16,
    pub name: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code: code.number(),
            name: code.name().into(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseBody {
    /// The first sealed message of a pairing: the host's id for this pairing.
    Paired {
        pairing: String,
    },
    Status {
        host_version: String,
        store: StoreStatus,
        vault: VaultState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quick_unlock: Option<bool>,
    },
    Version {
        host_version: String,
        protocol: u32,
    },
    DeviceKeyStored {
        member: String,
    },
    DeviceKey {
        member: String,
        key: DeviceKeyBytes,
    },
    DeviceKeyDeleted {
        member: String,
        existed: bool,
    },
    /// `vault` is absent when no vault file exists yet.
    Vault {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vault: Option<String>,
    },
    VaultWritten {
        bytes: u64,
    },
    /// `member` (the member file's JSON text) is absent when there is none yet.
    Member {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
    },
    Error(ErrorBody),
}

/// The answer `type` names.
pub const RESPONSE_TYPES: &[&str] = &[
    "paired",
    "status",
    "version",
    "device_key_stored",
    "device_key",
    "device_key_deleted",
    "vault",
    "vault_written",
    "member",
    "error",
];

impl Request {
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        with_id(self.id, serde_json::to_value(&self.body))
    }

    /// Reads a request, naming what is wrong; a readable id is returned with the fault
    /// so the error answer can echo it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Request, (Option<u64>, FrameError)> {
        let (id, body) = typed(bytes, REQUEST_TYPES)?;
        Ok(Request { id, body })
    }
}

impl Response {
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        with_id(self.id, serde_json::to_value(&self.body))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Response, (Option<u64>, FrameError)> {
        let (id, body) = typed(bytes, RESPONSE_TYPES)?;
        Ok(Response { id, body })
    }

    pub fn error(id: u64, code: ErrorCode, message: impl Into<String>) -> Response {
        Response {
            id,
            body: ResponseBody::Error(ErrorBody::new(code, message)),
        }
    }
}

fn with_id(id: u64, value: Result<Value, serde_json::Error>) -> Zeroizing<Vec<u8>> {
    // The bodies are plain data, which serde_json always serializes.
    let mut value = value.unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("id".into(), id.into());
    }
    let bytes = Zeroizing::new(value.to_string().into_bytes());
    wipe_strings(&mut value);
    bytes
}

/// Overwrites the strings of a JSON value that may have held a secret before it drops.
fn wipe_strings(value: &mut Value) {
    match value {
        Value::String(s) => {
            let mut owned = Zeroizing::new(std::mem::take(s));
            owned.clear();
        }
        Value::Array(items) => items.iter_mut().for_each(wipe_strings),
        Value::Object(map) => map.values_mut().for_each(wipe_strings),
        _ => {}
    }
}

type Typed<T> = Result<(u64, T), (Option<u64>, FrameError)>;

fn typed<T: serde::de::DeserializeOwned>(bytes: &[u8], known: &[&str]) -> Typed<T> {
    let mut value = parse_strict(bytes).map_err(|e| (None, e))?;
    let Value::Object(map) = &mut value else {
        return Err((None, FrameError::NotAnObject));
    };

    let id = match map.remove("id") {
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or(0),
        _ => {
            let reason = "missing field `id` (a non-negative integer)".into();
            let kind = type_name(map);
            return Err((None, FrameError::BadMessage { kind, reason }));
        }
    };
    check_type(map, known).map_err(|e| (Some(id), e))?;

    let kind = type_name(map);
    let parsed = serde_json::from_value(value.clone());
    wipe_strings(&mut value);
    let body = parsed.map_err(|e| {
        let reason = redact(&e);
        (Some(id), FrameError::BadMessage { kind, reason })
    })?;
    Ok((id, body))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_flat_objects_with_id_and_type() {
        let request = Request {
            id: 9,
            body: RequestBody::DeviceKeyLoad {
                member: "m1".into(),
            },
        };
        let value: Value = serde_json::from_slice(&request.to_bytes()).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"id":9,"type":"device_key_load","member":"m1"})
        );
        assert_eq!(Request::from_bytes(&request.to_bytes()).unwrap(), request);
    }

    #[test]
    fn device_keys_travel_as_base64_and_never_print() {
        let key = DeviceKeyBytes(Zeroizing::new([0xab; 32]));
        let response = Response {
            id: 2,
            body: ResponseBody::DeviceKey {
                member: "m".into(),
                key: key.clone(),
            },
        };
        let text = String::from_utf8(response.to_bytes().to_vec()).unwrap();
        assert!(text.contains(&B64.encode([0xab; 32])));
        assert!(!format!("{response:?}").contains("171"));
        assert!(!format!("{response:?}").contains(&B64.encode([0xab; 32])));
        assert_eq!(Response::from_bytes(text.as_bytes()).unwrap(), response);
    }

    #[test]
    fn a_bad_request_keeps_its_id_for_the_error_answer() {
        let (id, err) =
            Request::from_bytes(br#"{"id":4,"type":"device_key_store","member":"m"}"#).unwrap_err();
        assert_eq!(id, Some(4));
        assert!(err.to_string().contains("key"), "{err}");
        let (id, err) = Request::from_bytes(br#"{"id":5,"type":"format_disk"}"#).unwrap_err();
        assert_eq!(id, Some(5));
        assert_eq!(err.code(), ErrorCode::UnknownType);
        let (_, short) =
            Request::from_bytes(br#"{"id":6,"type":"device_key_store","member":"m","key":"AAAA"}"#)
                .unwrap_err();
        assert!(short.to_string().contains("32 bytes"), "{short}");
    }
}
