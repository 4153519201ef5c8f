//! The runner's stdin/stdout framing (connectconformance `internal/delimited.go`): a message
//! is a 4-byte big-endian length, then that many bytes of protobuf. The runner sends one
//! `ServerCompatRequest` on the server's stdin and reads one `ServerCompatResponse` from its
//! stdout.

use std::io::{self, Read, Write};

/// The largest message accepted: the runner's requests are a few KiB (TLS material at most).
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// Reads one length-prefixed message.
pub fn read_message<M: prost::Message + Default>(input: &mut impl Read) -> io::Result<M> {
    let mut prefix = [0u8; 4];
    input.read_exact(&mut prefix)?;
    let len = u32::from_be_bytes(prefix) as usize;
    if len > MAX_MESSAGE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("message of {len} bytes is over the {MAX_MESSAGE}-byte limit"),
        ));
    }
    let mut data = vec![0u8; len];
    input.read_exact(&mut data)?;
    M::decode(data.as_slice()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes one length-prefixed message and flushes.
pub fn write_message<M: prost::Message>(output: &mut impl Write, message: &M) -> io::Result<()> {
    let data = message.encode_to_vec();
    let len = u32::try_from(data.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message over 4 GiB"))?;
    output.write_all(&len.to_be_bytes())?;
    output.write_all(&data)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectrpc::conformance::v1 as pb;

    #[test]
    fn round_trips_with_a_big_endian_prefix() {
        let response = pb::ServerCompatResponse {
            host: "127.0.0.1".into(),
            port: 8080,
            pem_cert: vec![],
        };
        let mut wire = Vec::new();
        write_message(&mut wire, &response).unwrap();
        assert_eq!(&wire[..4], &(wire.len() as u32 - 4).to_be_bytes());
        let back: pb::ServerCompatResponse = read_message(&mut wire.as_slice()).unwrap();
        assert_eq!(back, response);
    }

    #[test]
    fn a_short_or_oversized_input_is_an_error() {
        let mut short: &[u8] = &[0, 0, 0, 9, 1, 2];
        assert!(read_message::<pb::ServerCompatRequest>(&mut short).is_err());
        let mut huge: &[u8] = &[0xff, 0xff, 0xff, 0xff];
        let err = read_message::<pb::ServerCompatRequest>(&mut huge).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
