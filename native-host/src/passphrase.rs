//! Where the CLI's passphrase comes from: an open file descriptor, an environment
//! variable named by a flag, or a prompt on the terminal. Never from the command line,
//! where other users could read it in the process list.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::process::{Command, Stdio};

use latchkey_core::Passphrase;
use zeroize::Zeroizing;

use crate::cli::{EXIT_USAGE, Failure};

/// Where to read the passphrase from.
pub struct Source {
    pub fd: Option<i32>,
    pub env: Option<String>,
}

pub fn read(source: &Source, prompt: &str) -> Result<Passphrase, Failure> {
    if let Some(fd) = source.fd {
        let file = File::open(format!("/dev/fd/{fd}")).map_err(|e| {
            Failure::new(EXIT_USAGE, format!("cannot read file descriptor {fd}: {e}"))
        })?;
        return first_line(file).map(Passphrase::new);
    }
    if let Some(name) = &source.env {
        let value = std::env::var(name).map_err(|_| {
            Failure::new(
                EXIT_USAGE,
                format!("the environment variable `{name}` is not set"),
            )
        })?;
        return Ok(Passphrase::new(value));
    }
    prompt_tty(prompt).map(Passphrase::new)
}

/// A new passphrase: from the fd or variable as given, or typed twice on the terminal,
/// since one typo there would seal the keys under a passphrase nobody knows.
pub fn read_new(source: &Source) -> Result<Passphrase, Failure> {
    if source.fd.is_some() || source.env.is_some() {
        return read(source, "");
    }
    let mut first = Zeroizing::new(prompt_tty("new passphrase: ")?);
    let second = Zeroizing::new(prompt_tty("the new passphrase again: ")?);
    if first != second {
        return Err(Failure::new(
            EXIT_USAGE,
            "the two new passphrases differ; nothing was changed, try again",
        ));
    }
    Ok(Passphrase::new(std::mem::take(&mut *first)))
}

fn first_line(file: File) -> Result<String, Failure> {
    let mut line = Zeroizing::new(String::new());
    BufReader::new(file)
        .read_line(&mut line)
        .map_err(|e| Failure::new(EXIT_USAGE, format!("cannot read the passphrase: {e}")))?;
    let trimmed = line.trim_end_matches(['\n', '\r']).to_owned();
    Ok(trimmed)
}

/// Prompts on the controlling terminal with echo off (through `stty`, so no unsafe code).
fn prompt_tty(prompt: &str) -> Result<String, Failure> {
    let no_source = || {
        Failure::new(
            EXIT_USAGE,
            "no passphrase: run on a terminal, or pass --passphrase-fd FD or \
             --passphrase-env NAME",
        )
    };
    if !std::io::stdin().is_terminal() {
        return Err(no_source());
    }
    let mut tty = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_source())?;
    let stty = |arg: &str| {
        let input = File::open("/dev/tty")
            .map(Stdio::from)
            .unwrap_or(Stdio::null());
        let _ = Command::new("stty").arg(arg).stdin(input).status();
    };
    let _ = write!(tty, "{prompt}");
    let _ = tty.flush();
    stty("-echo");
    let line = tty
        .try_clone()
        .map_err(|_| no_source())
        .and_then(first_line);
    stty("echo");
    let _ = writeln!(tty);
    line
}
