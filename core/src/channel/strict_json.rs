//! A strict JSON reader for untrusted frames (RFC 8259 syntax, plus two refusals).
//!
//! RFC 8259 section 4 leaves duplicate object keys to the reader; two readers that pick
//! different duplicates can be made to disagree about one message, so they are refused.
//! Nesting is capped at [`MAX_JSON_DEPTH`](super::MAX_JSON_DEPTH) so a hostile frame
//! cannot exhaust the stack, and the number of values at [`MAX_JSON_VALUES`] so a large
//! frame of tiny values (`[[],[],…]`) cannot cost twenty times its size in memory: no
//! message of the protocol has more than a few dozen values (big payloads are strings).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::MAX_JSON_DEPTH;
use super::error::FrameError;

/// The most JSON values (of any kind, containers included) one frame or message may hold.
pub const MAX_JSON_VALUES: usize = 4096;

/// Parses `bytes` as one UTF-8 JSON value, refusing duplicate keys and deep nesting.
pub fn parse_strict(bytes: &[u8]) -> Result<Value, FrameError> {
    let text = std::str::from_utf8(bytes).map_err(|e| FrameError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;

    let fault = RefCell::new(None);
    let count = Cell::new(0);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = Strict {
        depth: 1,
        count: &count,
        fault: &fault,
    };
    let parsed = seed.deserialize(&mut deserializer).and_then(|value| {
        deserializer.end()?;
        Ok(value)
    });

    match (parsed, fault.into_inner()) {
        (_, Some(fault)) => Err(fault),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(FrameError::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason: describe(&e),
        }),
    }
}

/// serde_json's own wording, without any quoted input (which could be a secret).
fn describe(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let reason = full.split(" at line ").next().unwrap_or(&full);
    let mut out = String::new();
    let mut inside = false;
    for c in reason.chars() {
        if c == '"' {
            inside = !inside;
            if inside {
                out.push_str("\"…\"");
            }
            continue;
        }
        if !inside {
            out.push(c);
        }
    }
    out
}

struct Strict<'a> {
    depth: usize,
    count: &'a Cell<usize>,
    fault: &'a RefCell<Option<FrameError>>,
}

impl<'a> Strict<'a> {
    fn fail<E: de::Error>(&self, fault: FrameError) -> E {
        let message = fault.to_string();
        *self.fault.borrow_mut() = Some(fault);
        E::custom(message)
    }

    /// Refuses a container (array or object) nested past the limit.
    fn enter<E: de::Error>(&self) -> Result<(), E> {
        if self.depth > MAX_JSON_DEPTH {
            return Err(self.fail(FrameError::TooDeep {
                limit: MAX_JSON_DEPTH,
            }));
        }
        Ok(())
    }

    fn nested(&self) -> Strict<'a> {
        Strict {
            depth: self.depth + 1,
            count: self.count,
            fault: self.fault,
        }
    }

    /// Counts one more value, refusing the frame past the limit.
    fn counted<E: de::Error>(&self) -> Result<(), E> {
        self.count.set(self.count.get() + 1);
        if self.count.get() > MAX_JSON_VALUES {
            return Err(self.fail(FrameError::BadMessage {
                kind: "frame".into(),
                reason: format!("it holds more than {MAX_JSON_VALUES} JSON values"),
            }));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.counted()?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.nested())? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut seen = BTreeSet::new();
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(self.fail(FrameError::DuplicateKey { key }));
            }
            let value = map.next_value_seed(self.nested())?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accepts_an_ordinary_message() {
        let value = parse_strict(br#"{"v":1,"id":7,"type":"hello","versions":[1]}"#).unwrap();
        assert_eq!(value["id"], 7);
        assert_eq!(value["versions"][0], 1);
    }

    #[test]
    fn refuses_duplicate_keys_at_any_level() {
        let top = parse_strict(br#"{"type":"a","type":"b"}"#).unwrap_err();
        assert_eq!(top, FrameError::DuplicateKey { key: "type".into() });
        let inner = parse_strict(br#"{"a":[{"k":1,"k":2}]}"#).unwrap_err();
        assert_eq!(inner, FrameError::DuplicateKey { key: "k".into() });
    }

    #[test]
    fn refuses_nesting_past_the_limit_and_accepts_it_at_the_limit() {
        let at = "[".repeat(MAX_JSON_DEPTH) + &"]".repeat(MAX_JSON_DEPTH);
        assert!(parse_strict(at.as_bytes()).is_ok());
        let past = "[".repeat(MAX_JSON_DEPTH + 1) + &"]".repeat(MAX_JSON_DEPTH + 1);
        let err = parse_strict(past.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            FrameError::TooDeep {
                limit: MAX_JSON_DEPTH
            }
        );
        let huge = "[".repeat(100_000);
        assert!(matches!(
            parse_strict(huge.as_bytes()),
            Err(FrameError::TooDeep { .. })
        ));
    }

    #[test]
    fn refuses_more_values_than_the_limit_and_accepts_the_limit() {
        // An array holding n empty arrays is n + 1 values.
        let frame = |n: usize| format!("[{}]", vec!["[]"; n].join(","));
        assert!(parse_strict(frame(MAX_JSON_VALUES - 1).as_bytes()).is_ok());
        let err = parse_strict(frame(MAX_JSON_VALUES).as_bytes()).unwrap_err();
        assert!(matches!(err, FrameError::BadMessage { .. }), "{err:?}");
        let keys = (0..MAX_JSON_VALUES)
            .map(|i| format!("\"k{i}\":0"))
            .collect::<Vec<_>>();
        let object = format!("{{{}}}", keys.join(","));
        assert!(parse_strict(object.as_bytes()).is_err());
    }

    #[test]
    fn names_the_offset_of_invalid_utf8() {
        let err = parse_strict(b"{\"a\":\"\xff\"}").unwrap_err();
        assert_eq!(err, FrameError::InvalidUtf8 { offset: 6 });
    }

    #[test]
    fn names_line_and_column_of_invalid_json_without_quoting_input() {
        let err = parse_strict(b"{\"a\":1,\n \"secret-ish\" 2}").unwrap_err();
        match err {
            FrameError::InvalidJson {
                line,
                column,
                reason,
            } => {
                assert_eq!(line, 2);
                assert!(column > 0);
                assert!(!reason.contains("secret-ish"), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse_strict(b""),
            Err(FrameError::InvalidJson { .. })
        ));
        assert!(matches!(
            parse_strict(b"{} {}"),
            Err(FrameError::InvalidJson { .. })
        ));
    }
}
