//! The extension's messages: the one place they are defined.
//!
//! Extension pages (popup, options) and content scripts send these to the
//! service worker; the worker answers with a `Reply`. Anything that does not
//! parse as one of them is refused with an error naming what was wrong.

use serde::{Deserialize, Serialize};

use crate::fill::FillTrigger;

/// A request to the service worker. `type` names the variant in snake case.
/// No `Debug`: a request may carry a passphrase.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    // From the popup and options page.
    /// Is there a vault, is it unlocked, and what the popup should show.
    Status,
    /// First run: make a member and a vault protected by this passphrase.
    CreateVault { name: String, passphrase: String },
    /// Open the vault with the passphrase.
    Unlock { passphrase: String },
    /// Forget every key now.
    Lock,
    /// Entries, those saved for `site` first; no secret is decrypted.
    List {
        #[serde(default)]
        site: Option<String>,
        #[serde(default)]
        query: String,
    },
    /// Add an entry.
    AddEntry { entry: Draft },
    /// Add many entries at once (an import).
    Import { entries: Vec<Draft> },
    /// Show (or copy) an entry's password; written to the audit trail.
    Reveal {
        entry: String,
        #[serde(default)]
        copy: bool,
    },
    /// The popup's fill button: fill this entry into that tab.
    Fill { entry: String, tab_id: i64 },

    // The native host (popup and options page).
    /// Is the host installed and paired, is the OS store usable, is quick unlock set up.
    HostStatus,
    /// Pair with the host, using the code `latchkey pair` shows.
    Pair { code: String },
    /// Forget the pairing (the host's side is revoked with `latchkey pairings revoke`).
    Unpair,
    /// Keep a device key in the OS secure store so the next unlock needs no passphrase.
    QuickUnlockOn,
    /// Remove the device key from the OS store and the sealed copy from here.
    QuickUnlockOff,
    /// Unlock with the device key from the OS store.
    QuickUnlock,
    /// First run: take the member and vault the command line keeps through the host.
    OpenFromHost,

    // From content scripts.
    /// A frame answering a fill offer: it has a login form and wants the credential.
    FillClaim { request_id: String },
}

impl Request {
    /// Whether only latchkey's own pages may send this request.
    pub fn from_extension_page_only(&self) -> bool {
        !matches!(self, Request::FillClaim { .. })
    }

    /// A name for errors and logs that never includes the message's content.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Status => "status",
            Request::CreateVault { .. } => "create_vault",
            Request::Unlock { .. } => "unlock",
            Request::Lock => "lock",
            Request::List { .. } => "list",
            Request::AddEntry { .. } => "add_entry",
            Request::Import { .. } => "import",
            Request::Reveal { .. } => "reveal",
            Request::Fill { .. } => "fill",
            Request::HostStatus => "host_status",
            Request::Pair { .. } => "pair",
            Request::Unpair => "unpair",
            Request::QuickUnlockOn => "quick_unlock_on",
            Request::QuickUnlockOff => "quick_unlock_off",
            Request::QuickUnlock => "quick_unlock",
            Request::OpenFromHost => "open_from_host",
            Request::FillClaim { .. } => "fill_claim",
        }
    }
}

/// An entry as typed into the popup's add form.
/// No `Debug`: a draft carries the password.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub title: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub totp: Option<String>,
    #[serde(default)]
    pub notes: String,
}

/// What the popup lists: never a secret.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Overview {
    pub id: String,
    pub title: String,
    pub username: String,
    pub urls: Vec<String>,
    pub has_totp: bool,
    /// Saved for the site the popup was opened on.
    pub for_site: bool,
}

/// The vault's state as the popup shows it.
#[derive(Debug, Serialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum VaultState {
    NoVault,
    Locked,
    Unlocked,
}

/// The service worker's answer. `type` names the variant in snake case.
/// No `Debug`: a reply may carry the credential.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Status {
        state: VaultState,
        /// A device-sealed copy is stored, so quick unlock can be tried.
        quick_unlock: bool,
        /// This browser is paired with a native host.
        paired: bool,
    },
    /// Open a port to the native host (if `job` is new), post these frames on
    /// it and pass back what arrives. The frames are sealed or handshakes.
    Host {
        job: u32,
        send: Vec<String>,
    },
    /// What the popup and options page show about the host.
    HostState {
        installed: bool,
        paired: bool,
        /// `available`, `locked` or `missing`, once a session could ask.
        store: Option<String>,
        /// The host has a device key for this member.
        quick_unlock: bool,
        host_version: Option<String>,
        /// What to do about it, in plain words; empty when all is well.
        message: String,
    },
    Done,
    Entries {
        entries: Vec<Overview>,
    },
    Added {
        id: String,
    },
    Imported {
        ids: Vec<String>,
    },
    Revealed {
        password: String,
    },
    /// Tell the tab's frames that a fill is waiting for them (the JS side sends it).
    FillOffer {
        tab_id: i64,
        request_id: String,
        trigger: FillTrigger,
    },
    /// The one credential for the one frame that claimed it, and the origin it
    /// must still be on when the values are set.
    Credential {
        origin: String,
        username: String,
        password: String,
        otp: Option<String>,
    },
    /// Nothing for you, and why.
    Refused {
        reason: String,
    },
    Error {
        message: String,
    },
}
