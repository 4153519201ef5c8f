//! Length-prefixed messages, the framing gRPC, gRPC-Web and Connect streams share: one flags
//! byte, a big-endian u32 length, the payload.

use axum::body::Body;
use bytes::{Buf as _, Bytes, BytesMut};
use http_body_util::BodyExt as _;

use super::compression::Encoding;
use crate::codec::Input;
use crate::service::{InputStream, MethodKind, Requests};
use crate::status::Status;

/// The flag of a compressed message.
pub(crate) const COMPRESSED: u8 = 0x01;

/// Reads envelopes from a request body as they arrive. A message that comes in one piece
/// (as it does over HTTP/2 up to the frame size) is not copied; the length is checked as
/// soon as the prefix arrives, so a message over the limit is refused before its payload is
/// sent.
pub(crate) struct EnvelopeReader {
    body: Body,
    /// Unread bytes of the last data frame, when they are all there is.
    pending: Bytes,
    /// Unread bytes joined from several frames.
    joined: BytesMut,
    max: usize,
    encoding: Encoding,
}

impl EnvelopeReader {
    pub(crate) fn new(body: Body, max: usize, encoding: Encoding) -> EnvelopeReader {
        EnvelopeReader {
            body,
            pending: Bytes::new(),
            joined: BytesMut::new(),
            max,
            encoding,
        }
    }

    /// A reader of an already-read body (gRPC-Web text, decoded from base64 first).
    pub(crate) fn from_bytes(bytes: Bytes, max: usize, encoding: Encoding) -> EnvelopeReader {
        let mut reader = EnvelopeReader::new(Body::empty(), max, encoding);
        reader.pending = bytes;
        reader
    }

    fn buffered(&self) -> &[u8] {
        if self.joined.is_empty() {
            &self.pending
        } else {
            &self.joined
        }
    }

    /// The next message's payload, decompressed; `None` when the body ends between
    /// messages.
    pub(crate) async fn next(&mut self) -> Option<Result<Bytes, Status>> {
        loop {
            match self.split_message() {
                Ok(Some(envelope)) => return Some(Ok(envelope)),
                Ok(None) => {}
                Err(status) => return Some(Err(status)),
            }
            match self.body.frame().await {
                None if self.buffered().is_empty() => return None,
                None => {
                    return Some(Err(Status::invalid_argument(
                        "truncated request: the body ended inside a length-prefixed message",
                    )))
                }
                Some(Err(e)) => return Some(Err(crate::server::body::unreadable(&e))),
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    if self.buffered().is_empty() {
                        self.joined.clear();
                        self.pending = data;
                    } else {
                        if !self.pending.is_empty() {
                            self.joined.extend_from_slice(&self.pending);
                            self.pending = Bytes::new();
                        }
                        self.joined.extend_from_slice(&data);
                    }
                }
            }
        }
    }

    /// A whole message off the front of the buffer, if there is one.
    fn split_message(&mut self) -> Result<Option<Bytes>, Status> {
        let have = self.buffered();
        if have.len() < 5 {
            return Ok(None);
        }
        let flags = have[0];
        let len = u32::from_be_bytes([have[1], have[2], have[3], have[4]]) as usize;
        if flags & !COMPRESSED != 0 {
            return Err(Status::invalid_argument(format!(
                "protocol error: received message with invalid flags {flags:#04x}"
            )));
        }
        if flags & COMPRESSED != 0 && self.encoding == Encoding::Identity {
            // INTERNAL, as the gRPC spec and the Connect conformance suite have it.
            return Err(Status::internal(
                "protocol error: received message with compressed-flag but no encoding was \
                 specified",
            ));
        }
        if len > self.max {
            return Err(Status::resource_exhausted(format!(
                "Error, decoded message length too large: found {len} bytes, the limit is: {} \
                 bytes",
                self.max
            )));
        }
        if have.len() < 5 + len {
            return Ok(None);
        }
        let mut message = if self.joined.is_empty() {
            self.pending.split_to(5 + len)
        } else {
            self.joined.split_to(5 + len).freeze()
        };
        message.advance(5);
        if flags & COMPRESSED != 0 {
            return self.encoding.decompress(message, self.max).map(Some);
        }
        Ok(Some(message))
    }

    /// The one message of a unary or server-streaming call: exactly one, nothing after it.
    /// None or several is UNIMPLEMENTED, as gRPC and Connect answer a call whose streaming
    /// kind does not match the method's.
    pub(crate) async fn single(mut self) -> Result<Bytes, Status> {
        let first = match self.next().await {
            None => {
                return Err(Status::unimplemented(
                    "missing request message: the call sends exactly one",
                ))
            }
            Some(result) => result?,
        };
        if !self.buffered().is_empty() || !http_body::Body::is_end_stream(&self.body) {
            if let Some(more) = self.next().await {
                more?;
                return Err(Status::unimplemented(
                    "more than one request message: the call sends exactly one",
                ));
            }
        }
        Ok(first)
    }

    /// The call's request messages for a method of `kind`: the one message of a unary or
    /// server-streaming call, read now; a stream of them otherwise, read as the handler asks.
    pub(crate) async fn into_requests(
        self,
        kind: MethodKind,
        json: bool,
    ) -> Result<Requests, Status> {
        Ok(match kind {
            MethodKind::Unary | MethodKind::ServerStreaming => {
                Requests::One(input(self.single().await?, json))
            }
            MethodKind::ClientStreaming | MethodKind::BidiStreaming => {
                Requests::Stream(self.into_inputs(json))
            }
        })
    }

    /// The body's messages as a stream of inputs in one codec.
    fn into_inputs(self, json: bool) -> InputStream {
        Box::pin(futures_util::stream::unfold(
            Some(self),
            move |reader| async move {
                let mut reader = reader?;
                let item = reader.next().await?;
                let input = item.map(|payload| input(payload, json));
                let next = if input.is_ok() { Some(reader) } else { None };
                Some((input, next))
            },
        ))
    }
}

/// A payload as an input in the call's codec.
pub(crate) fn input(payload: Bytes, json: bool) -> Input {
    if json {
        Input::JsonBytes(payload)
    } else {
        Input::Proto(payload)
    }
}

/// Writes one envelope.
pub(crate) fn frame(flags: u8, payload: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(5 + payload.len());
    out.push(flags);
    out.extend_from_slice(
        &u32::try_from(payload.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(payload);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Code;

    fn chunked(chunks: &[&[u8]]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = chunks
            .iter()
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn single(chunks: &[&[u8]], max: usize) -> Result<Bytes, Status> {
        block_on(EnvelopeReader::new(chunked(chunks), max, Encoding::Identity).single())
    }

    #[test]
    fn a_message_is_read_whole_from_any_split() {
        let framed = b"\0\0\0\0\x03abc";
        assert_eq!(single(&[framed], 10).unwrap(), &b"abc"[..]);
        for split in 1..framed.len() {
            let (a, b) = framed.split_at(split);
            assert_eq!(
                single(&[a, b], 10).unwrap(),
                &b"abc"[..],
                "split at {split}"
            );
        }
        let bytes: Vec<&[u8]> = framed.chunks(1).collect();
        assert_eq!(single(&bytes, 10).unwrap(), &b"abc"[..]);
        assert_eq!(single(&[b"\0\0\0\0\0"], 10).unwrap(), &b""[..]);
    }

    #[test]
    fn broken_bodies_are_the_callers_fault() {
        let missing = single(&[], 10).unwrap_err();
        assert_eq!(missing.code(), Code::Unimplemented);
        assert!(missing.message().starts_with("missing request message"));
        for truncated in [&b"\0\0"[..], b"\0\0\0\0\x03ab"] {
            let status = single(&[truncated], 10).unwrap_err();
            assert!(
                status.message().starts_with("truncated request"),
                "{status:?}"
            );
        }
        let two = single(&[b"\0\0\0\0\x01a\0\0\0\0\x01b"], 10).unwrap_err();
        assert!(two.message().starts_with("more than one"), "{two:?}");
        assert_eq!(two.code(), Code::Unimplemented);
        let compressed = single(&[b"\x01\0\0\0\x01a"], 10).unwrap_err();
        assert!(compressed.message().contains("compressed-flag"));
        assert_eq!(compressed.code(), Code::Internal);
        assert_eq!(
            single(&[b"\x80\0\0\0\0"], 10).unwrap_err().code(),
            Code::InvalidArgument
        );
        // Refused by its prefix: the payload never has to arrive.
        let large = single(&[b"\0\0\0\0\x0b"], 10).unwrap_err();
        assert_eq!(large.code(), Code::ResourceExhausted);
    }

    #[test]
    fn streams_yield_every_message_and_compressed_ones_are_inflated() {
        let packed = Encoding::Gzip.compress(b"hello").unwrap();
        let mut body = frame(0, b"one").to_vec();
        body.extend_from_slice(&frame(COMPRESSED, &packed));
        let (a, b) = body.split_at(7);
        let mut reader = EnvelopeReader::new(chunked(&[a, b]), 100, Encoding::Gzip);
        let got = block_on(async {
            let mut got = Vec::new();
            while let Some(envelope) = reader.next().await {
                got.push(envelope.unwrap());
            }
            got
        });
        assert_eq!(
            got,
            vec![Bytes::from_static(b"one"), Bytes::from_static(b"hello")]
        );
    }
}
