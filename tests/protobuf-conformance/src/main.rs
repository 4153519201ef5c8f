//! The testee of protobuf's conformance suite (`conformance_test_runner`): reads
//! `ConformanceRequest`s from stdin, each behind a 4-byte little-endian length, and answers a
//! `ConformanceResponse` the same way on stdout.
//!
//! Messages are decoded and encoded with the codecs protogate's server uses
//! (`protogate::codec::decode` and `OutputMessage`), so the suite measures what a client of a
//! protogate server sees. Text format and JSPB are answered `skipped`: protogate speaks neither.
//! The server ignores unknown JSON fields in every call, so `JSON_IGNORE_UNKNOWN_PARSING_TEST`
//! is answered like `JSON_TEST`.
//!
//! The runner counts passes only in total; at the end the testee prints to stderr how many
//! requests of each message type and test category it answered and skipped, so that `run.sh`
//! can tell passes per category (answered less the runner's failures of that category).

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use bytes::Bytes;
use prost::Message;
use protogate::codec::{decode, Input, OutputMessage};

/// The conformance protocol's own messages.
pub mod conformance {
    protogate::include_generated!("conformance");
}

/// `protobuf_test_messages.*`: the test messages.
pub mod protobuf_test_messages {
    /// `protobuf_test_messages.proto3`.
    pub mod proto3 {
        protogate::include_generated!("protobuf_test_messages.proto3");
    }
    /// `protobuf_test_messages.proto2`.
    pub mod proto2 {
        protogate::include_generated!("protobuf_test_messages.proto2");
    }
}

use conformance::conformance_request::Payload;
use conformance::conformance_response::Result as Answer;
use conformance::{ConformanceRequest, ConformanceResponse, WireFormat};
use protobuf_test_messages::proto2::TestAllTypesProto2;
use protobuf_test_messages::proto3::TestAllTypesProto3;

/// The test messages' descriptor set, for `google.protobuf.Any` (see build.rs).
const TEST_MESSAGES_DESCRIPTORS: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/test_messages.binpb"));

fn main() -> io::Result<()> {
    protogate::wkt::register_descriptors(TEST_MESSAGES_DESCRIPTORS)
        .map_err(|e| io::Error::other(format!("registering the test messages: {e}")))?;
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    // (message type, test category) → (answered, skipped).
    let mut tally: BTreeMap<(String, String), (u32, u32)> = BTreeMap::new();
    while let Some(request) = read_frame(&mut stdin)? {
        let answer = match ConformanceRequest::decode(request.as_slice()) {
            Ok(request) => {
                let key = (
                    request.message_type.clone(),
                    request.test_category().as_str_name().to_string(),
                );
                let answer = answer(request);
                let counts = tally.entry(key).or_default();
                match answer {
                    Answer::Skipped(_) => counts.1 += 1,
                    _ => counts.0 += 1,
                }
                answer
            }
            Err(e) => Answer::RuntimeError(format!("unreadable ConformanceRequest: {e}")),
        };
        let response = ConformanceResponse {
            result: Some(answer),
        }
        .encode_to_vec();
        let len =
            u32::try_from(response.len()).map_err(|_| io::Error::other("a response over 4 GiB"))?;
        stdout.write_all(&len.to_le_bytes())?;
        stdout.write_all(&response)?;
        stdout.flush()?;
    }
    for ((message_type, category), (answered, skipped)) in tally {
        eprintln!("testee tally: {message_type} {category} answered={answered} skipped={skipped}");
    }
    Ok(())
}

/// One length-prefixed frame, or `None` when the runner has closed stdin.
fn read_frame(input: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut frame = vec![0u8; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut frame)?;
    Ok(Some(frame))
}

/// The answer to one request.
fn answer(request: ConformanceRequest) -> Answer {
    match request.message_type.as_str() {
        "protobuf_test_messages.proto3.TestAllTypesProto3" => {
            round_trip::<TestAllTypesProto3>(&request)
        }
        "protobuf_test_messages.proto2.TestAllTypesProto2" => {
            round_trip::<TestAllTypesProto2>(&request)
        }
        other => Answer::Skipped(format!("protogate generates no {other} here")),
    }
}

/// Decodes the payload as `M` and encodes it in the requested format.
fn round_trip<M>(request: &ConformanceRequest) -> Answer
where
    M: Message + Default + serde::Serialize + serde::de::DeserializeOwned + Send + 'static,
    M: std::fmt::Debug,
{
    let input = match &request.payload {
        Some(Payload::ProtobufPayload(bytes)) => Input::Proto(Bytes::copy_from_slice(bytes)),
        Some(Payload::JsonPayload(text)) => {
            Input::JsonBytes(Bytes::copy_from_slice(text.as_bytes()))
        }
        Some(Payload::JspbPayload(_)) => return Answer::Skipped("JSPB input".to_string()),
        Some(Payload::TextPayload(_)) => return Answer::Skipped("text format input".to_string()),
        None => return Answer::RuntimeError("a request without a payload".to_string()),
    };
    let message: M = match decode(input) {
        Ok(message) => message,
        Err(status) => return Answer::ParseError(status.message().to_string()),
    };
    match request.requested_output_format() {
        WireFormat::Protobuf => Answer::ProtobufPayload(message.to_proto()),
        WireFormat::Json => match message.to_json_bytes() {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Answer::JsonPayload(text),
                Err(e) => Answer::SerializeError(format!("JSON output is not UTF-8: {e}")),
            },
            Err(status) => Answer::SerializeError(status.message().to_string()),
        },
        WireFormat::Jspb => Answer::Skipped("JSPB output".to_string()),
        WireFormat::TextFormat => Answer::Skipped("text format output".to_string()),
        WireFormat::Unspecified => Answer::RuntimeError("no requested_output_format".to_string()),
    }
}
