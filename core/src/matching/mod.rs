//! URL matching for autofill: which saved logins belong to the page a form is on.
//!
//! A login offered on the wrong site is the failure users remember, so the
//! rules lean towards not matching: schemes must agree (an https entry never
//! fills an http page), IP addresses are compared whole, user sites on shared
//! hosting are separate sites (the Public Suffix List's private section), and
//! anything that is not a web page never matches.

mod mode;

pub use mode::MatchMode;
