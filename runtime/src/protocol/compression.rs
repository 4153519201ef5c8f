//! Message compression, negotiated by each protocol's own headers (`grpc-encoding`,
//! `connect-content-encoding`, `Content-Encoding`): gzip and identity. Limits apply to the
//! decompressed size, so a small compressed bomb is refused without growing memory.

use std::io::{Read as _, Write as _};

use bytes::Bytes;
use http::HeaderValue;

use crate::status::Status;

/// A message encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Identity,
    Gzip,
}

/// What the server accepts, in the protocols' `*-accept-encoding` headers.
pub(crate) const ACCEPTED: &str = "gzip";

/// Responses smaller than this go uncompressed: gzip's header alone would outweigh the gain.
const COMPRESS_MIN_BYTES: usize = 1024;

impl Encoding {
    /// The encoding a request header names; `None` for one the server does not speak.
    pub(crate) fn parse(name: &[u8]) -> Option<Encoding> {
        let name = trim(name);
        if name.eq_ignore_ascii_case(b"identity") || name.is_empty() {
            Some(Encoding::Identity)
        } else if name.eq_ignore_ascii_case(b"gzip") {
            Some(Encoding::Gzip)
        } else {
            None
        }
    }

    /// The encoding a request says its messages use (`None` header: identity), or the
    /// UNIMPLEMENTED status gRPC and Connect answer for an unknown one.
    pub(crate) fn from_header(value: Option<&HeaderValue>) -> Result<Encoding, Status> {
        let Some(value) = value else {
            return Ok(Encoding::Identity);
        };
        Encoding::parse(value.as_bytes()).ok_or_else(|| {
            Status::unimplemented(format!(
                "unknown compression {:?}: supported encodings are {ACCEPTED}, identity",
                String::from_utf8_lossy(value.as_bytes())
            ))
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Gzip => "gzip",
        }
    }

    /// The encoding to answer with: gzip when the client accepts it (its accept header, or
    /// the encoding of its own request).
    pub(crate) fn for_response(accept: Option<&HeaderValue>, request: Encoding) -> Encoding {
        let accepts_gzip = accept.is_some_and(|v| {
            v.as_bytes()
                .split(|&b| b == b',')
                .map(|item| trim(item.split(|&b| b == b';').next().unwrap_or(b"")))
                .any(|item| item.eq_ignore_ascii_case(b"gzip"))
        });
        if accepts_gzip || request == Encoding::Gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    /// Whether a message of `len` bytes is worth compressing with this encoding.
    pub(crate) fn worth(self, len: usize) -> bool {
        self != Encoding::Identity && len >= COMPRESS_MIN_BYTES
    }

    /// Decompresses `data`, refusing output over `max` bytes.
    pub(crate) fn decompress(self, data: Bytes, max: usize) -> Result<Bytes, Status> {
        match self {
            Encoding::Identity => {
                if data.len() > max {
                    return Err(too_large(data.len(), max));
                }
                Ok(data)
            }
            Encoding::Gzip => {
                let mut out = Vec::new();
                // One byte over the limit is enough to know the message is too large.
                let mut limited = flate2::read::GzDecoder::new(&data[..]).take(max as u64 + 1);
                limited.read_to_end(&mut out).map_err(|e| {
                    Status::invalid_argument(format!("invalid gzip-compressed message: {e}"))
                })?;
                if out.len() > max {
                    return Err(Status::resource_exhausted(format!(
                        "the decompressed message is larger than the {max}-byte limit"
                    )));
                }
                Ok(Bytes::from(out))
            }
        }
    }

    /// Compresses `data`.
    pub(crate) fn compress(self, data: &[u8]) -> Result<Vec<u8>, Status> {
        match self {
            Encoding::Identity => Ok(data.to_vec()),
            Encoding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(data.len() / 2 + 32),
                    flate2::Compression::fast(),
                );
                encoder
                    .write_all(data)
                    .and_then(|()| encoder.finish())
                    .map_err(|e| Status::internal(format!("compressing the response: {e}")))
            }
        }
    }
}

pub(crate) fn too_large(len: usize, max: usize) -> Status {
    Status::resource_exhausted(format!(
        "the message is {len} bytes, over the {max}-byte limit"
    ))
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Code;

    #[test]
    fn gzip_round_trips_and_bombs_are_refused() {
        let data = vec![b'a'; 100_000];
        let packed = Encoding::Gzip.compress(&data).unwrap();
        assert!(packed.len() < 1_000, "{}", packed.len());
        let back = Encoding::Gzip
            .decompress(Bytes::from(packed.clone()), 100_000)
            .unwrap();
        assert_eq!(back, data);
        let bomb = Encoding::Gzip
            .decompress(Bytes::from(packed), 99_999)
            .unwrap_err();
        assert_eq!(bomb.code(), Code::ResourceExhausted);
        let garbage = Encoding::Gzip
            .decompress(Bytes::from_static(b"nope"), 10)
            .unwrap_err();
        assert_eq!(garbage.code(), Code::InvalidArgument);
    }

    #[test]
    fn encodings_are_negotiated_from_headers() {
        assert_eq!(Encoding::from_header(None).unwrap(), Encoding::Identity);
        let h = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(
            Encoding::from_header(Some(&h("GZIP"))).unwrap(),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::from_header(Some(&h("br"))).unwrap_err().code(),
            Code::Unimplemented
        );
        assert_eq!(
            Encoding::for_response(Some(&h("br, gzip;q=0.5")), Encoding::Identity),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::for_response(Some(&h("identity")), Encoding::Identity),
            Encoding::Identity
        );
        assert_eq!(Encoding::for_response(None, Encoding::Gzip), Encoding::Gzip);
    }
}
