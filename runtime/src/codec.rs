//! Message encodings shared by the protocols: protobuf and proto3 JSON.

use bytes::Bytes;

use crate::status::Status;

/// A request message as it arrived, not yet decoded.
#[derive(Clone, Debug)]
pub enum Input {
    /// Protobuf bytes (gRPC, gRPC-Web, Connect `application/proto`).
    Proto(Bytes),
    /// Proto3 JSON bytes (Connect `application/json`).
    JsonBytes(Bytes),
    /// Proto3 JSON assembled from path, query and body (REST).
    Json(serde_json::Value),
}

/// A response message, type-erased; the protocol picks the encoding.
pub trait OutputMessage: Send + std::fmt::Debug {
    /// The protobuf encoding.
    fn to_proto(&self) -> Vec<u8>;
    /// The size of the protobuf encoding, in bytes.
    fn encoded_len(&self) -> usize;
    /// The protobuf encoding behind the 5-byte prefix of an uncompressed gRPC, gRPC-Web or
    /// Connect message (flag 0, big-endian length), written in one allocation.
    fn to_proto_frame(&self) -> Vec<u8>;
    /// The proto3 JSON value.
    fn to_json(&self) -> Result<serde_json::Value, Status>;
    /// The proto3 JSON text, written directly (fields in declaration order).
    fn to_json_bytes(&self) -> Result<Vec<u8>, Status>;
}

impl<M> OutputMessage for M
where
    M: prost::Message + serde::Serialize + Send + std::fmt::Debug,
{
    fn to_proto(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    fn encoded_len(&self) -> usize {
        prost::Message::encoded_len(self)
    }

    fn to_proto_frame(&self) -> Vec<u8> {
        let len = self.encoded_len();
        let mut out = Vec::with_capacity(5 + len);
        out.push(0);
        // A message over 4 GiB says u32::MAX here; every size limit refuses it before sending.
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
        self.encode_raw(&mut out);
        out
    }

    fn to_json(&self) -> Result<serde_json::Value, Status> {
        serde_json::to_value(self)
            .map_err(|e| Status::internal(format!("encoding the response as JSON: {e}")))
    }

    fn to_json_bytes(&self) -> Result<Vec<u8>, Status> {
        serde_json::to_vec(self)
            .map_err(|e| Status::internal(format!("encoding the response as JSON: {e}")))
    }
}

/// A handler's response, ready to be encoded.
pub type Output = Box<dyn OutputMessage>;

impl Input {
    /// The message's size in bytes as received (decompressed); REST's assembled JSON has none.
    pub fn size(&self) -> Option<usize> {
        match self {
            Input::Proto(bytes) | Input::JsonBytes(bytes) => Some(bytes.len()),
            Input::Json(_) => None,
        }
    }
}

/// Decodes a request message from any input.
pub fn decode<M>(input: Input) -> Result<M, Status>
where
    M: prost::Message + Default + serde::de::DeserializeOwned,
{
    match input {
        Input::Proto(bytes) => M::decode(bytes)
            .map_err(|e| Status::invalid_argument(format!("invalid protobuf message: {e}"))),
        Input::JsonBytes(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Status::invalid_argument(format!("invalid JSON message: {e}"))),
        Input::Json(value) => serde_json::from_value(value)
            .map_err(|e| Status::invalid_argument(format!("invalid JSON message: {e}"))),
    }
}
