//! Native messaging framing: a 4-byte native-endian length, then that many bytes.
//!
//! The length is checked against the cap before a byte of the body is allocated; an
//! oversized body is read through a small buffer and dropped, so the stream stays in
//! step and the host can go on serving.

use latchkey_core::channel::{FrameError, MAX_INCOMING_FRAME, MAX_OUTGOING_FRAME};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What one read from the browser produced.
#[derive(Debug)]
pub enum Incoming {
    Frame(Vec<u8>),
    /// A bad frame that was read to its end; the stream is still in step.
    Refused(FrameError),
    /// The stream ended inside a frame; nothing more can be read.
    Truncated(FrameError),
    /// The stream ended cleanly between frames.
    End,
}

/// Reads the next frame, with `limit` as the largest accepted body.
pub async fn read_frame<R: AsyncRead + Unpin>(reader: &mut R, limit: usize) -> Incoming {
    let mut header = [0u8; 4];
    let got = match read_full(reader, &mut header).await {
        Ok(got) => got,
        Err(_) => return Incoming::End,
    };
    if got == 0 {
        return Incoming::End;
    }
    if got < 4 {
        return Incoming::Truncated(FrameError::Truncated {
            expected: 4,
            got: got as u64,
        });
    }

    let length = u64::from(u32::from_ne_bytes(header));
    if length > limit as u64 {
        let mut rest = reader.take(length);
        let skipped = tokio::io::copy(&mut rest, &mut tokio::io::sink())
            .await
            .unwrap_or(0);
        let fault = FrameError::TooLarge { length, limit };
        if skipped < length {
            return Incoming::Truncated(fault);
        }
        return Incoming::Refused(fault);
    }

    // `length` is at most `limit` (64 MiB), so this allocation is bounded.
    let mut body = vec![0u8; length as usize];
    let got = read_full(reader, &mut body).await.unwrap_or(0);
    if got < body.len() {
        return Incoming::Truncated(FrameError::Truncated {
            expected: length,
            got: got as u64,
        });
    }
    Incoming::Frame(body)
}

/// The default cap for frames from the browser.
pub async fn read_browser_frame<R: AsyncRead + Unpin>(reader: &mut R) -> Incoming {
    read_frame(reader, MAX_INCOMING_FRAME).await
}

async fn read_full<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = reader.read(&mut buf[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Writes one frame. Frames over the browser's 1 MiB limit are a bug in the caller, which
/// must chunk; they are refused here rather than sent to be dropped by the browser.
pub async fn write_frame<W: AsyncWrite + Unpin>(
    writer: &mut W,
    body: &[u8],
) -> std::io::Result<()> {
    if body.len() > MAX_OUTGOING_FRAME {
        return Err(std::io::Error::other(format!(
            "outgoing frame of {} bytes is over the {MAX_OUTGOING_FRAME}-byte limit",
            body.len()
        )));
    }
    // At most 1 MiB, so the length fits in 32 bits.
    let length = body.len() as u32;
    writer.write_all(&length.to_ne_bytes()).await?;
    writer.write_all(body).await?;
    writer.flush().await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut out = (body.len() as u32).to_ne_bytes().to_vec();
        out.extend_from_slice(body);
        out
    }

    #[tokio::test]
    async fn reads_frames_in_order_then_ends() {
        let mut input = framed(b"{}");
        input.extend(framed(b"[1]"));
        let mut reader = input.as_slice();
        assert!(matches!(read_frame(&mut reader, 16).await, Incoming::Frame(b) if b == b"{}"));
        assert!(matches!(read_frame(&mut reader, 16).await, Incoming::Frame(b) if b == b"[1]"));
        assert!(matches!(read_frame(&mut reader, 16).await, Incoming::End));
    }

    #[tokio::test]
    async fn an_oversized_frame_is_skipped_and_the_next_one_read() {
        let mut input = framed(&[b'x'; 100]);
        input.extend(framed(b"ok"));
        let mut reader = input.as_slice();
        let refused = read_frame(&mut reader, 10).await;
        assert!(matches!(
            refused,
            Incoming::Refused(FrameError::TooLarge {
                length: 100,
                limit: 10
            })
        ));
        assert!(matches!(read_frame(&mut reader, 10).await, Incoming::Frame(b) if b == b"ok"));
    }

    #[tokio::test]
    async fn a_huge_claimed_length_is_refused_without_allocating_it() {
        let input = u32::MAX.to_ne_bytes();
        let mut reader = &input[..];
        let outcome = read_frame(&mut reader, MAX_INCOMING_FRAME).await;
        assert!(matches!(
            outcome,
            Incoming::Truncated(FrameError::TooLarge { length, .. }) if length == u64::from(u32::MAX)
        ));
    }

    #[tokio::test]
    async fn truncated_headers_and_bodies_are_named() {
        let mut reader = &[1u8, 0][..];
        assert!(matches!(
            read_frame(&mut reader, 16).await,
            Incoming::Truncated(FrameError::Truncated {
                expected: 4,
                got: 2
            })
        ));
        let mut input = 10u32.to_ne_bytes().to_vec();
        input.extend_from_slice(b"abc");
        let mut reader = input.as_slice();
        assert!(matches!(
            read_frame(&mut reader, 16).await,
            Incoming::Truncated(FrameError::Truncated {
                expected: 10,
                got: 3
            })
        ));
    }

    #[tokio::test]
    async fn writes_native_endian_and_refuses_oversized_output() {
        let mut out = Vec::new();
        write_frame(&mut out, b"{\"a\":1}").await.unwrap();
        assert_eq!(out, framed(b"{\"a\":1}"));
        let big = vec![b' '; MAX_OUTGOING_FRAME + 1];
        assert!(write_frame(&mut Vec::new(), &big).await.is_err());
    }
}
