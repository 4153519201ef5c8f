//! The fixture's files kept encoded, so rules can be removed from one message without touching
//! the rest.

use prost::Message;

/// A `FileDescriptorSet` with each file kept encoded.
#[derive(Clone, PartialEq, prost::Message)]
struct RawFileSet {
    #[prost(bytes = "vec", repeated, tag = "1")]
    file: Vec<Vec<u8>>,
}

/// The encoded files of an encoded descriptor set, in its order.
pub fn read(bytes: &[u8]) -> Result<Vec<Vec<u8>>, prost::DecodeError> {
    Ok(RawFileSet::decode(bytes)?.file)
}

/// The set of these encoded files.
pub fn encode(files: &[Vec<u8>]) -> Vec<u8> {
    RawFileSet {
        file: files.to_vec(),
    }
    .encode_to_vec()
}
