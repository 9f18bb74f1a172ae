//! The numbered error codes of the protocol. docs/PROTOCOL.md has the same table; a test
//! below pins every number so a change is seen in review.

use std::fmt;

/// An error code sent in an `error` frame or a sealed `error` answer.
///
/// Numbers never change meaning: 1xx framing, 2xx channel and pairing, 3xx OS store,
/// 4xx vault file, 5xx the host itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    FrameTooLarge,
    FrameTruncated,
    InvalidUtf8,
    InvalidJson,
    TooDeep,
    DuplicateKey,
    UnknownType,
    BadMessage,
    UnsupportedVersion,
    OriginRefused,
    NoPendingPairing,
    PairingFailed,
    NotPaired,
    HandshakeFailed,
    NoSession,
    Replayed,
    OutOfOrder,
    Tampered,
    MessageTooLarge,
    StoreUnavailable,
    StoreLocked,
    DeviceKeyNotFound,
    VaultNotFound,
    VaultCorrupt,
    VaultWouldDropRecords,
    VaultBusy,
    VaultIo,
    Internal,
}

/// Every code, in table order.
pub const ALL: &[ErrorCode] = &[
    ErrorCode::FrameTooLarge,
    ErrorCode::FrameTruncated,
    ErrorCode::InvalidUtf8,
    ErrorCode::InvalidJson,
    ErrorCode::TooDeep,
    ErrorCode::DuplicateKey,
    ErrorCode::UnknownType,
    ErrorCode::BadMessage,
    ErrorCode::UnsupportedVersion,
    ErrorCode::OriginRefused,
    ErrorCode::NoPendingPairing,
    ErrorCode::PairingFailed,
    ErrorCode::NotPaired,
    ErrorCode::HandshakeFailed,
    ErrorCode::NoSession,
    ErrorCode::Replayed,
    ErrorCode::OutOfOrder,
    ErrorCode::Tampered,
    ErrorCode::MessageTooLarge,
    ErrorCode::StoreUnavailable,
    ErrorCode::StoreLocked,
    ErrorCode::DeviceKeyNotFound,
    ErrorCode::VaultNotFound,
    ErrorCode::VaultCorrupt,
    ErrorCode::VaultWouldDropRecords,
    ErrorCode::VaultBusy,
    ErrorCode::VaultIo,
    ErrorCode::Internal,
];

impl ErrorCode {
    /// The number on the wire.
    pub fn number(self) -> u16 {
        use ErrorCode::*;
        match self {
            FrameTooLarge => 100,
            FrameTruncated => 101,
            InvalidUtf8 => 102,
            InvalidJson => 103,
            TooDeep => 104,
            DuplicateKey => 105,
            UnknownType => 106,
            BadMessage => 107,
            UnsupportedVersion => 108,
            OriginRefused => 200,
            NoPendingPairing => 201,
            PairingFailed => 202,
            NotPaired => 203,
            HandshakeFailed => 204,
            NoSession => 205,
            Replayed => 206,
            OutOfOrder => 207,
            Tampered => 208,
            MessageTooLarge => 209,
            StoreUnavailable => 300,
            StoreLocked => 301,
            DeviceKeyNotFound => 302,
            VaultNotFound => 400,
            VaultCorrupt => 401,
            VaultWouldDropRecords => 402,
            VaultBusy => 403,
            VaultIo => 404,
            Internal => 500,
        }
    }

    /// The stable snake_case name sent beside the number.
    pub fn name(self) -> &'static str {
        use ErrorCode::*;
        match self {
            FrameTooLarge => "frame_too_large",
            FrameTruncated => "frame_truncated",
            InvalidUtf8 => "invalid_utf8",
            InvalidJson => "invalid_json",
            TooDeep => "too_deep",
            DuplicateKey => "duplicate_key",
            UnknownType => "unknown_type",
            BadMessage => "bad_message",
            UnsupportedVersion => "unsupported_version",
            OriginRefused => "origin_refused",
            NoPendingPairing => "no_pending_pairing",
            PairingFailed => "pairing_failed",
            NotPaired => "not_paired",
            HandshakeFailed => "handshake_failed",
            NoSession => "no_session",
            Replayed => "replayed",
            OutOfOrder => "out_of_order",
            Tampered => "tampered",
            MessageTooLarge => "message_too_large",
            StoreUnavailable => "store_unavailable",
            StoreLocked => "store_locked",
            DeviceKeyNotFound => "device_key_not_found",
            VaultNotFound => "vault_not_found",
            VaultCorrupt => "vault_corrupt",
            VaultWouldDropRecords => "vault_would_drop_records",
            VaultBusy => "vault_busy",
            VaultIo => "vault_io",
            Internal => "internal",
        }
    }

    /// The code with this number, if there is one.
    pub fn from_number(number: u16) -> Option<ErrorCode> {
        ALL.iter().copied().find(|code| code.number() == number)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.number(), self.name())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The table as docs/PROTOCOL.md prints it; written out by hand, not generated.
    const DOCUMENTED: &[(u16, &str)] = &[
        (100, "frame_too_large"),
        (101, "frame_truncated"),
        (102, "invalid_utf8"),
        (103, "invalid_json"),
        (104, "too_deep"),
        (105, "duplicate_key"),
        (106, "unknown_type"),
        (107, "bad_message"),
        (108, "unsupported_version"),
        (200, "origin_refused"),
        (201, "no_pending_pairing"),
        (202, "pairing_failed"),
        (203, "not_paired"),
        (204, "handshake_failed"),
        (205, "no_session"),
        (206, "replayed"),
        (207, "out_of_order"),
        (208, "tampered"),
        (209, "message_too_large"),
        (300, "store_unavailable"),
        (301, "store_locked"),
        (302, "device_key_not_found"),
        (400, "vault_not_found"),
        (401, "vault_corrupt"),
        (402, "vault_would_drop_records"),
        (403, "vault_busy"),
        (404, "vault_io"),
        (500, "internal"),
    ];

    #[test]
    fn numbers_and_names_match_the_documented_table() {
        let actual: Vec<(u16, &str)> = ALL.iter().map(|c| (c.number(), c.name())).collect();
        assert_eq!(actual, DOCUMENTED);
    }

    #[test]
    fn numbers_round_trip_and_unknown_numbers_are_none() {
        for code in ALL {
            assert_eq!(ErrorCode::from_number(code.number()), Some(*code));
        }
        assert_eq!(ErrorCode::from_number(0), None);
        assert_eq!(ErrorCode::from_number(199), None);
    }
}
