//! The outer frames: what travels in clear on stdin/stdout before and around the session.
//!
//! Every frame is a JSON object with `v` (the protocol version) and `type`. Only `hello`,
//! the pairing and session handshakes and framing errors that arrive before a session
//! exist in clear; everything after the handshake is a `sealed` frame.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::PROTOCOL_VERSION;
use super::error::FrameError;
use super::strict_json::parse_strict;

/// One Noise transport message: its counter and its base64 ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedFrame {
    /// Per-direction counter, from 0; must be exactly the next one expected.
    pub n: u64,
    /// Base64 of the Noise ciphertext (at most 65535 bytes before encoding).
    pub data: String,
}

/// A frame the extension sends to the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    Hello {
        id: u64,
        versions: Vec<u32>,
    },
    PairStart {
        id: u64,
        handshake: String,
    },
    PairFinish {
        id: u64,
        handshake: String,
    },
    SessionStart {
        id: u64,
        pairing: String,
        handshake: String,
    },
    Sealed(SealedFrame),
}

/// The `type` names a client frame may have.
pub const CLIENT_TYPES: &[&str] = &[
    "hello",
    "pair_start",
    "pair_finish",
    "session_start",
    "sealed",
];

/// A frame the host sends to the extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostFrame {
    Hello {
        id: u64,
        version: u32,
        host_version: String,
    },
    PairReply {
        id: u64,
        handshake: String,
    },
    SessionAccept {
        id: u64,
        handshake: String,
    },
    Sealed(SealedFrame),
    /// Only before a session exists; afterwards errors are sealed like everything else.
    Error {
        id: Option<u64>,
        code: u16,
        name: String,
        message: String,
    },
}

/// The `type` names a host frame may have.
pub const HOST_TYPES: &[&str] = &["hello", "pair_reply", "session_accept", "sealed", "error"];

impl ClientFrame {
    /// The frame as JSON bytes, with `v`.
    pub fn to_bytes(&self) -> Vec<u8> {
        with_version(serde_json::to_value(self))
    }
}

impl HostFrame {
    /// The frame as JSON bytes, with `v`.
    pub fn to_bytes(&self) -> Vec<u8> {
        with_version(serde_json::to_value(self))
    }
}

fn with_version(value: Result<Value, serde_json::Error>) -> Vec<u8> {
    // Frames are plain data (strings and integers), which serde_json always serializes.
    let mut value = value.unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("v".into(), PROTOCOL_VERSION.into());
    }
    value.to_string().into_bytes()
}

/// Reads a frame from the extension, naming exactly what is wrong with a bad one.
pub fn parse_client_frame(bytes: &[u8]) -> Result<ClientFrame, FrameError> {
    typed(bytes, CLIENT_TYPES)
}

/// Reads a frame from the host (the extension's side).
pub fn parse_host_frame(bytes: &[u8]) -> Result<HostFrame, FrameError> {
    typed(bytes, HOST_TYPES)
}

fn typed<T: serde::de::DeserializeOwned>(bytes: &[u8], known: &[&str]) -> Result<T, FrameError> {
    let mut value = parse_strict(bytes)?;
    let Value::Object(map) = &mut value else {
        return Err(FrameError::NotAnObject);
    };

    match map.remove("v") {
        Some(Value::Number(n)) if n.as_u64() == Some(u64::from(PROTOCOL_VERSION)) => {}
        Some(Value::Number(n)) => {
            return Err(FrameError::UnsupportedVersion {
                got: n.as_u64().unwrap_or(0),
                supported: PROTOCOL_VERSION,
            });
        }
        _ => {
            return Err(FrameError::BadMessage {
                kind: type_name(map),
                reason: "missing numeric field `v` (the protocol version)".into(),
            });
        }
    }

    check_type(map, known)?;
    let kind = type_name(map);
    serde_json::from_value(value).map_err(|e| FrameError::BadMessage {
        kind,
        reason: redact(&e),
    })
}

/// Refuses a message whose `type` is missing or not one of `known`.
pub(crate) fn check_type(
    map: &serde_json::Map<String, Value>,
    known: &[&str],
) -> Result<(), FrameError> {
    match map.get("type") {
        Some(Value::String(name)) if known.contains(&name.as_str()) => Ok(()),
        Some(Value::String(name)) => Err(FrameError::UnknownType {
            name: name.chars().take(64).collect(),
        }),
        _ => Err(FrameError::NotAnObject),
    }
}

pub(crate) fn type_name(map: &serde_json::Map<String, Value>) -> String {
    match map.get("type") {
        Some(Value::String(name)) => name.chars().take(64).collect(),
        _ => "?".into(),
    }
}

/// serde's message about a bad field, with any quoted input value removed.
pub(crate) fn redact(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let mut out = String::new();
    let mut inside = false;
    for c in full.chars() {
        if c == '"' {
            inside = !inside;
            if inside {
                out.push_str("\"…\"");
            }
        } else if !inside {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hello_round_trips_with_its_version_field() {
        let frame = ClientFrame::Hello {
            id: 1,
            versions: vec![1],
        };
        let bytes = frame.to_bytes();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["v"], 1);
        assert_eq!(value["type"], "hello");
        assert_eq!(parse_client_frame(&bytes).unwrap(), frame);
    }

    #[test]
    fn sealed_frames_are_flat() {
        let frame = HostFrame::Sealed(SealedFrame {
            n: 3,
            data: "AAAA".into(),
        });
        let value: Value = serde_json::from_slice(&frame.to_bytes()).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"v":1,"type":"sealed","n":3,"data":"AAAA"})
        );
    }

    #[test]
    fn each_fault_is_named() {
        let unknown = parse_client_frame(br#"{"v":1,"type":"launch_missiles","id":1}"#);
        assert_eq!(
            unknown.unwrap_err(),
            FrameError::UnknownType {
                name: "launch_missiles".into()
            }
        );
        let version = parse_client_frame(br#"{"v":2,"type":"hello","id":1,"versions":[2]}"#);
        assert!(matches!(
            version.unwrap_err(),
            FrameError::UnsupportedVersion { got: 2, .. }
        ));
        let missing = parse_client_frame(br#"{"v":1,"type":"hello","id":1}"#).unwrap_err();
        match missing {
            FrameError::BadMessage { kind, reason } => {
                assert_eq!(kind, "hello");
                assert!(reason.contains("versions"), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            parse_client_frame(b"[1,2]").unwrap_err(),
            FrameError::NotAnObject
        );
        let wrong = parse_client_frame(br#"{"v":1,"type":"sealed","n":"hunter2","data":"x"}"#);
        let text = wrong.unwrap_err().to_string();
        assert!(!text.contains("hunter2"), "{text}");
    }
}
