//! The "site" part of a URL: a host name with its registrable domain, or an
//! IP address, normalized so that two spellings of one host compare equal.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Where a URL points, as the matcher compares it.
///
/// Host names are lowercase ASCII (IDN labels in punycode, as `url` writes
/// them after IDNA processing) without a trailing dot. IP addresses are kept
/// as addresses: they are only ever compared whole, never by their trailing
/// parts the way domain names are.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// A host name and, if it has one, its registrable domain by the Public
    /// Suffix List (private section included).
    Domain {
        /// The whole host name.
        host: String,
        /// The registrable domain ("eTLD+1"); `None` for hosts that are
        /// themselves public suffixes (`github.io`, `co.uk`) and single-label
        /// hosts (`localhost`, `intranet`), which are only ever the same site
        /// as themselves.
        registrable: Option<String>,
    },
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
}

impl Site {
    /// Reads the host of a parsed URL; `None` if it has none.
    pub(super) fn of(url: &Url) -> Option<Site> {
        match url.host()? {
            Host::Domain(name) => {
                let host = name.trim_end_matches('.').to_ascii_lowercase();
                if host.is_empty() {
                    return None;
                }
                let registrable = psl::domain_str(&host).map(str::to_owned);
                Some(Site::Domain { host, registrable })
            }
            Host::Ipv4(address) => Some(Site::Ipv4(address)),
            Host::Ipv6(address) => Some(Site::Ipv6(address)),
        }
    }

    /// The host as written in a URL (`example.com`, `192.0.2.1`, `[::1]`).
    pub fn host(&self) -> String {
        match self {
            Site::Domain { host, .. } => host.clone(),
            Site::Ipv4(address) => address.to_string(),
            Site::Ipv6(address) => format!("[{address}]"),
        }
    }

    /// What "the same site" means for base-domain matching: the registrable
    /// domain, else the whole host, else the whole address. It is also the
    /// key the index files saved URLs under.
    pub fn base(&self) -> String {
        match self {
            Site::Domain {
                registrable: Some(domain),
                ..
            } => domain.clone(),
            _ => self.host(),
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.host())
    }
}
