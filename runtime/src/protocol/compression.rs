//! Message compression, negotiated by each protocol's own headers (`grpc-encoding`,
//! `connect-content-encoding`, `Content-Encoding`): gzip and deflate always; br, zstd and
//! snappy with the crate features of those names. Limits apply to the decompressed size, so a
//! small compressed bomb is refused without growing memory.

use std::io::{Read, Write as _};
use std::sync::LazyLock;

use bytes::Bytes;
use http::HeaderValue;

use crate::status::Status;

/// A message encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Identity,
    Gzip,
    /// HTTP's `deflate`: zlib (RFC 1950), as gRPC and Connect use it.
    Deflate,
    #[cfg(feature = "brotli")]
    Brotli,
    #[cfg(feature = "zstd")]
    Zstd,
    /// Snappy's framing format, as Go's `snappy.Reader` reads it.
    #[cfg(feature = "snappy")]
    Snappy,
}

/// Every encoding the server speaks besides identity, in the order it prefers them.
const COMPRESSED: &[Encoding] = &[
    Encoding::Gzip,
    #[cfg(feature = "zstd")]
    Encoding::Zstd,
    #[cfg(feature = "brotli")]
    Encoding::Brotli,
    Encoding::Deflate,
    #[cfg(feature = "snappy")]
    Encoding::Snappy,
];

/// What the server accepts, for the protocols' `*-accept-encoding` headers.
pub(crate) fn accepted() -> HeaderValue {
    static ACCEPTED: LazyLock<HeaderValue> = LazyLock::new(|| {
        let names: Vec<&str> = COMPRESSED.iter().map(|e| e.name()).collect();
        HeaderValue::from_str(&names.join(", ")).unwrap_or(HeaderValue::from_static("gzip"))
    });
    ACCEPTED.clone()
}

/// Responses smaller than this go uncompressed: a codec's header alone would outweigh the gain.
const COMPRESS_MIN_BYTES: usize = 1024;

impl Encoding {
    /// The encoding a request header names; `None` for one the server does not speak.
    pub(crate) fn parse(name: &[u8]) -> Option<Encoding> {
        let name = trim(name);
        if name.eq_ignore_ascii_case(b"identity") || name.is_empty() {
            return Some(Encoding::Identity);
        }
        COMPRESSED
            .iter()
            .copied()
            .find(|e| name.eq_ignore_ascii_case(e.name().as_bytes()))
    }

    /// The encoding a request says its messages use (`None` header: identity), or the
    /// UNIMPLEMENTED status gRPC and Connect answer for an unknown one.
    pub(crate) fn from_header(value: Option<&HeaderValue>) -> Result<Encoding, Status> {
        let Some(value) = value else {
            return Ok(Encoding::Identity);
        };
        Encoding::parse(value.as_bytes()).ok_or_else(|| {
            Status::unimplemented(format!(
                "unknown compression {:?}: supported encodings are {}, identity",
                String::from_utf8_lossy(value.as_bytes()),
                String::from_utf8_lossy(accepted().as_bytes()),
            ))
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Gzip => "gzip",
            Encoding::Deflate => "deflate",
            #[cfg(feature = "brotli")]
            Encoding::Brotli => "br",
            #[cfg(feature = "zstd")]
            Encoding::Zstd => "zstd",
            #[cfg(feature = "snappy")]
            Encoding::Snappy => "snappy",
        }
    }

    /// The encoding to answer with: the request's own, when it was compressed; otherwise the
    /// first of the client's accept header that the server speaks.
    pub(crate) fn for_response(accept: Option<&HeaderValue>, request: Encoding) -> Encoding {
        if request != Encoding::Identity {
            return request;
        }
        accept
            .and_then(|v| {
                v.as_bytes()
                    .split(|&b| b == b',')
                    .map(|item| item.split(|&b| b == b';').next().unwrap_or(b""))
                    .filter_map(Encoding::parse)
                    .find(|e| *e != Encoding::Identity)
            })
            .unwrap_or(Encoding::Identity)
    }

    /// Whether a message of `len` bytes is worth compressing with this encoding.
    pub(crate) fn worth(self, len: usize) -> bool {
        self != Encoding::Identity && len >= COMPRESS_MIN_BYTES
    }

    /// Decompresses `data`, refusing output over `max` bytes.
    pub(crate) fn decompress(self, data: Bytes, max: usize) -> Result<Bytes, Status> {
        // Go's zstd writes nothing at all for an empty message (no frame), and an empty
        // payload can hold nothing else in any encoding.
        if data.is_empty() {
            return Ok(data);
        }
        let input = &data[..];
        let decoder: Box<dyn Read + '_> = match self {
            Encoding::Identity => {
                if data.len() > max {
                    return Err(too_large(data.len(), max));
                }
                return Ok(data);
            }
            Encoding::Gzip => Box::new(flate2::read::GzDecoder::new(input)),
            Encoding::Deflate => Box::new(flate2::read::ZlibDecoder::new(input)),
            #[cfg(feature = "brotli")]
            Encoding::Brotli => Box::new(brotli::Decompressor::new(input, 4096)),
            #[cfg(feature = "zstd")]
            Encoding::Zstd => Box::new(zstd::stream::read::Decoder::new(input).map_err(|e| {
                Status::invalid_argument(format!("invalid zstd-compressed message: {e}"))
            })?),
            #[cfg(feature = "snappy")]
            Encoding::Snappy => Box::new(snap::read::FrameDecoder::new(input)),
        };
        let mut out = Vec::new();
        // One byte over the limit is enough to know the message is too large.
        decoder
            .take(max as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                Status::invalid_argument(format!("invalid {}-compressed message: {e}", self.name()))
            })?;
        if out.len() > max {
            return Err(Status::resource_exhausted(format!(
                "the decompressed message is larger than the {max}-byte limit"
            )));
        }
        Ok(Bytes::from(out))
    }

    /// Compresses `data`.
    pub(crate) fn compress(self, data: &[u8]) -> Result<Vec<u8>, Status> {
        let failed = |e: std::io::Error| Status::internal(format!("compressing the response: {e}"));
        let capacity = data.len() / 2 + 64;
        match self {
            Encoding::Identity => Ok(data.to_vec()),
            Encoding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(capacity),
                    flate2::Compression::fast(),
                );
                encoder.write_all(data).map_err(failed)?;
                encoder.finish().map_err(failed)
            }
            Encoding::Deflate => {
                let mut encoder = flate2::write::ZlibEncoder::new(
                    Vec::with_capacity(capacity),
                    flate2::Compression::fast(),
                );
                encoder.write_all(data).map_err(failed)?;
                encoder.finish().map_err(failed)
            }
            #[cfg(feature = "brotli")]
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(capacity);
                {
                    let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 4, 22);
                    encoder.write_all(data).map_err(failed)?;
                    encoder.flush().map_err(failed)?;
                }
                Ok(out)
            }
            #[cfg(feature = "zstd")]
            Encoding::Zstd => zstd::bulk::compress(data, 1).map_err(failed),
            #[cfg(feature = "snappy")]
            Encoding::Snappy => {
                let mut encoder = snap::write::FrameEncoder::new(Vec::with_capacity(capacity));
                encoder.write_all(data).map_err(failed)?;
                encoder
                    .into_inner()
                    .map_err(|e| failed(std::io::Error::other(e.to_string())))
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
    fn every_encoding_round_trips_and_bombs_are_refused() {
        let data = vec![b'a'; 100_000];
        for &encoding in COMPRESSED {
            let packed = encoding.compress(&data).unwrap();
            assert!(packed.len() < 10_000, "{encoding:?}: {}", packed.len());
            let back = encoding
                .decompress(Bytes::from(packed.clone()), 100_000)
                .unwrap();
            assert_eq!(back, data, "{encoding:?}");
            let bomb = encoding
                .decompress(Bytes::from(packed), 99_999)
                .unwrap_err();
            assert_eq!(bomb.code(), Code::ResourceExhausted, "{encoding:?}");
            let garbage = encoding
                .decompress(Bytes::from_static(b"nope, not compressed"), 100)
                .unwrap_err();
            assert_eq!(garbage.code(), Code::InvalidArgument, "{encoding:?}");
        }
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
            Encoding::from_header(Some(&h("deflate"))).unwrap(),
            Encoding::Deflate
        );
        let unknown = Encoding::from_header(Some(&h("lzma"))).unwrap_err();
        assert_eq!(unknown.code(), Code::Unimplemented);
        assert!(unknown.message().contains("gzip"), "{}", unknown.message());
        assert_eq!(
            Encoding::for_response(Some(&h("lzma, gzip;q=0.5")), Encoding::Identity),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::for_response(Some(&h("identity")), Encoding::Identity),
            Encoding::Identity
        );
        assert_eq!(
            Encoding::for_response(Some(&h("gzip")), Encoding::Deflate),
            Encoding::Deflate,
            "a compressed request is answered in its own encoding"
        );
        assert!(accepted().to_str().unwrap().starts_with("gzip"));
    }
}
