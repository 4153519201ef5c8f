//! gRPC-Web's framing on top of gRPC's: trailers as a body frame (flag 0x80) instead of HTTP
//! trailers, and the `-text` variant, base64 both ways.

use axum::body::Body;
use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use crate::server::body::read_body;
use crate::status::Status;

/// The two gRPC-Web variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Web {
    /// `application/grpc-web[+proto|+json]`.
    Binary,
    /// `application/grpc-web-text[+proto|+json]`: base64.
    Text,
}

/// The flag of the trailer frame.
const TRAILERS: u8 = 0x80;

/// The trailer frame: `name:value\r\n` lines behind an envelope header.
pub(crate) fn trailer_frame(web: Web, trailers: &HeaderMap) -> Bytes {
    let mut block = Vec::with_capacity(64);
    for (name, value) in trailers {
        block.extend_from_slice(name.as_str().as_bytes());
        block.push(b':');
        block.extend_from_slice(value.as_bytes());
        block.extend_from_slice(b"\r\n");
    }
    let frame = super::envelope::frame(TRAILERS, &block);
    match web {
        Web::Binary => frame,
        Web::Text => text(&frame),
    }
}

/// The body of a unary answer: the message, then the trailer frame.
pub(crate) fn unary_body(web: Web, message: Bytes, trailers: &HeaderMap) -> Bytes {
    let trailers = trailer_frame(Web::Binary, trailers);
    let mut all = BytesMut::with_capacity(message.len() + trailers.len());
    all.extend_from_slice(&message);
    all.extend_from_slice(&trailers);
    match web {
        Web::Binary => all.freeze(),
        Web::Text => text(&all),
    }
}

/// One chunk of a text answer, padded on its own, as grpc-web's clients read them.
pub(crate) fn text(bytes: &[u8]) -> Bytes {
    Bytes::from(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A `grpc-web-text` request body, decoded. It is base64 in chunks that may each carry their
/// own padding; a text request is unary or server streaming (browsers cannot stream
/// requests), so it is read whole, within the size limit (plus base64's third).
pub(crate) async fn read_text_body(
    body: Body,
    headers: &HeaderMap,
    max: usize,
) -> Result<Bytes, Status> {
    let encoded = read_body(body, headers, (max + 5) / 3 * 4 + 4 + 64).await?;
    decode_base64_chunks(&encoded)
        .map(Bytes::from)
        .map_err(|e| {
            Status::invalid_argument(format!("invalid base64 in the grpc-web-text body: {e}"))
        })
}

/// Decodes concatenated base64 chunks, each padded on its own (`AAAAAB4=CgR0...`).
fn decode_base64_chunks(text: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    let text: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut rest = &text[..];
    while !rest.is_empty() {
        let end = match rest.iter().position(|&b| b == b'=') {
            Some(i) => i + rest[i..].iter().take_while(|&&b| b == b'=').count(),
            None => rest.len(),
        };
        base64::engine::general_purpose::STANDARD.decode_vec(&rest[..end], &mut out)?;
        rest = &rest[end..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_bodies_may_be_padded_chunk_by_chunk() {
        assert_eq!(
            decode_base64_chunks(b"AAAAAB4=Cg==").unwrap(),
            b"\0\0\0\0\x1e\n"
        );
        assert_eq!(decode_base64_chunks(b"AAAA\r\nAAA=").unwrap(), [0; 5]);
        assert!(decode_base64_chunks(b"!!!!").is_err());
    }

    #[test]
    fn the_trailer_frame_says_its_length() {
        let mut trailers = HeaderMap::new();
        trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
        let frame = trailer_frame(Web::Binary, &trailers);
        assert_eq!(&frame[..], b"\x80\x00\x00\x00\x0fgrpc-status:0\r\n");
        let message = Bytes::from_static(b"\0\0\0\0\x01a");
        let text = unary_body(Web::Text, message, &trailers);
        let back = decode_base64_chunks(&text).unwrap();
        assert_eq!(&back[..6], b"\0\0\0\0\x01a");
        assert_eq!(&back[6..], &frame[..]);
    }
}
