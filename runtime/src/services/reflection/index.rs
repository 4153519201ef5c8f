//! The index behind reflection: files by name, symbols and extensions to their files, built
//! once from the encoded descriptor sets.

use std::collections::{BTreeMap, HashMap, VecDeque};

use bytes::Bytes;
use prost::Message as _;
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use super::messages::server_reflection_request::MessageRequest as Ask;
use super::messages::server_reflection_response::MessageResponse as Answer;
use super::messages::*;
use crate::status::Code;

/// Why descriptor sets could not be indexed.
#[derive(Debug, thiserror::Error)]
pub enum ReflectionError {
    /// A set, or a file in it, is not valid protobuf.
    #[error("descriptor set #{set} does not decode: {source}")]
    Decode {
        /// The set's position in the list given to [`Reflection::new`].
        set: usize,
        /// What the decoder found.
        source: prost::DecodeError,
    },
    /// A file, or a definition in one, has no name.
    #[error("descriptor set #{set}: a {kind} in file {file:?} has no name")]
    MissingName {
        /// The set's position in the list given to [`Reflection::new`].
        set: usize,
        /// The file's name, empty when the file itself is unnamed.
        file: String,
        /// What kind of definition: file, message, enum, service, method, field or extension.
        kind: &'static str,
    },
    /// Two files define the same symbol, or the same extension number of a message, so a
    /// lookup could not pick one.
    #[error("{what} is defined in both {first} and {second}")]
    Conflict {
        /// The symbol, or `extension N of pkg.Message`.
        what: String,
        /// The file indexed first.
        first: String,
        /// The file that defines it again.
        second: String,
    },
}

/// The reflection index of a schema: files, symbols, extensions and services.
#[derive(Debug, Default)]
pub struct Reflection {
    files: Vec<File>,
    by_name: HashMap<String, usize>,
    symbols: HashMap<String, usize>,
    // Extendee → number → file; ordered, so extension numbers come out ascending.
    extensions: HashMap<String, BTreeMap<i32, usize>>,
    services: Vec<String>,
}

#[derive(Debug)]
struct File {
    name: String,
    // Served as given: decoding into prost_types and encoding again would drop the custom
    // options (e.g. `google.api.http`) that prost has no field for.
    raw: Bytes,
    // Imports found in the sets; grpc-go likewise skips missing ones, so a set built without
    // `--include_imports` still answers.
    dependencies: Vec<usize>,
}

/// A `FileDescriptorSet` that leaves its files encoded.
#[derive(Clone, PartialEq, prost::Message)]
struct RawFileSet {
    #[prost(bytes = "bytes", repeated, tag = "1")]
    file: Vec<Bytes>,
}

impl Reflection {
    /// Indexes encoded `FileDescriptorSet`s, such as `protoc --include_imports
    /// --descriptor_set_out` writes. A file found in more than one set is kept once, as it
    /// first appeared; a file without a `package` defines unqualified symbols.
    pub fn new(sets: &[&[u8]]) -> Result<Reflection, ReflectionError> {
        let mut index = Reflection::default();
        let mut imports = Vec::new();
        for (set, bytes) in sets.iter().enumerate() {
            let decode_error = |source| ReflectionError::Decode { set, source };
            let decoded =
                RawFileSet::decode(Bytes::copy_from_slice(bytes)).map_err(decode_error)?;
            for raw in decoded.file {
                let file = FileDescriptorProto::decode(raw.clone()).map_err(decode_error)?;
                let name = named(set, "", "file", &file.name)?.to_owned();
                if index.by_name.contains_key(&name) {
                    continue;
                }
                let at = index.files.len();
                index.by_name.insert(name.clone(), at);
                let dependencies = Vec::new();
                index.files.push(File {
                    name,
                    raw,
                    dependencies,
                });
                Indexer {
                    index: &mut index,
                    set,
                    file: at,
                }
                .file(&file)?;
                imports.push(file.dependency);
            }
        }
        // Resolved once every set is read: a file may import one from a later set.
        for (file, names) in imports.into_iter().enumerate() {
            let found = names
                .iter()
                .filter_map(|name| index.by_name.get(name).copied());
            index.files[file].dependencies = found.collect();
        }
        index.services.sort_unstable();
        index.services.dedup();
        Ok(index)
    }

    /// The full names of every service in the sets, sorted.
    pub fn services(&self) -> &[String] {
        &self.services
    }

    /// Answers one reflection request. What is not found becomes an `ErrorResponse` with
    /// `NOT_FOUND`, and a request asking nothing one with `INVALID_ARGUMENT` (grpc-go ends
    /// the stream with that status instead, which the caller may prefer).
    pub fn answer(&self, request: &ServerReflectionRequest) -> ServerReflectionResponse {
        let answer = match &request.message_request {
            Some(Ask::FileByFilename(name)) => {
                self.files_from(self.by_name.get(name), || format!("file {name:?}"))
            }
            Some(Ask::FileContainingSymbol(symbol)) => {
                let file = self.symbols.get(trim_dot(symbol));
                self.files_from(file, || format!("symbol {symbol:?}"))
            }
            Some(Ask::FileContainingExtension(ext)) => {
                let (extendee, number) = (trim_dot(&ext.containing_type), ext.extension_number);
                let file = self.extensions.get(extendee).and_then(|of| of.get(&number));
                self.files_from(file, || format!("extension {number} of {extendee:?}"))
            }
            Some(Ask::AllExtensionNumbersOfType(name)) => {
                let extendee = trim_dot(name);
                let numbers = match self.extensions.get(extendee) {
                    Some(numbers) => numbers.keys().copied().collect(),
                    // A known type without extensions has an empty list, not an error.
                    None if self.symbols.contains_key(extendee) => Vec::new(),
                    None => return respond(request, not_found(format!("type {name:?}"))),
                };
                Answer::AllExtensionNumbersResponse(ExtensionNumberResponse {
                    base_type_name: name.clone(),
                    extension_number: numbers,
                })
            }
            Some(Ask::ListServices(_)) => {
                let names = self
                    .services
                    .iter()
                    .map(|name| ServiceResponse { name: name.clone() });
                Answer::ListServicesResponse(ListServiceResponse {
                    service: names.collect(),
                })
            }
            None => Answer::ErrorResponse(ErrorResponse {
                error_code: Code::InvalidArgument as i32,
                error_message: "the request sets none of message_request's fields".to_owned(),
            }),
        };
        respond(request, answer)
    }

    // The file, then its imports breadth-first, each once: what grpc-go sends, so a client can
    // build the file's descriptor without asking again.
    fn files_from(&self, file: Option<&usize>, what: impl FnOnce() -> String) -> Answer {
        let Some(&file) = file else {
            return not_found(what());
        };
        let mut seen = vec![false; self.files.len()];
        let mut queue = VecDeque::from([file]);
        let mut out = Vec::new();
        seen[file] = true;
        while let Some(at) = queue.pop_front() {
            out.push(self.files[at].raw.clone());
            for &dep in &self.files[at].dependencies {
                if !std::mem::replace(&mut seen[dep], true) {
                    queue.push_back(dep);
                }
            }
        }
        Answer::FileDescriptorResponse(FileDescriptorResponse {
            file_descriptor_proto: out,
        })
    }
}

fn respond(request: &ServerReflectionRequest, answer: Answer) -> ServerReflectionResponse {
    ServerReflectionResponse {
        valid_host: request.host.clone(),
        original_request: Some(request.clone()),
        message_response: Some(answer),
    }
}

fn not_found(what: String) -> Answer {
    let error_message = format!("{what} not found");
    Answer::ErrorResponse(ErrorResponse {
        error_code: Code::NotFound as i32,
        error_message,
    })
}

// Clients send names both as `.pkg.Type` (the descriptor form) and `pkg.Type`.
fn trim_dot(name: &str) -> &str {
    name.strip_prefix('.').unwrap_or(name)
}

fn named<'a>(
    set: usize,
    file: &str,
    kind: &'static str,
    name: &'a Option<String>,
) -> Result<&'a str, ReflectionError> {
    match name.as_deref() {
        Some(name) if !name.is_empty() => Ok(name),
        _ => Err(ReflectionError::MissingName {
            set,
            file: file.to_owned(),
            kind,
        }),
    }
}

/// Records the symbols of one file as pointing at it.
struct Indexer<'a> {
    index: &'a mut Reflection,
    set: usize,
    file: usize,
}

impl Indexer<'_> {
    fn file(&mut self, file: &FileDescriptorProto) -> Result<(), ReflectionError> {
        let package = file.package();
        for message in &file.message_type {
            self.message(package, message)?;
        }
        for enumeration in &file.enum_type {
            self.define(package, "enum", &enumeration.name)?;
        }
        for extension in &file.extension {
            self.extension(package, extension)?;
        }
        for service in &file.service {
            let service_name = self.define(package, "service", &service.name)?;
            for method in &service.method {
                self.define(&service_name, "method", &method.name)?;
            }
            self.index.services.push(service_name);
        }
        Ok(())
    }

    fn message(&mut self, scope: &str, message: &DescriptorProto) -> Result<(), ReflectionError> {
        let name = self.define(scope, "message", &message.name)?;
        for field in &message.field {
            self.define(&name, "field", &field.name)?;
        }
        for nested in &message.nested_type {
            self.message(&name, nested)?;
        }
        for enumeration in &message.enum_type {
            self.define(&name, "enum", &enumeration.name)?;
        }
        for extension in &message.extension {
            self.extension(&name, extension)?;
        }
        Ok(())
    }

    fn extension(
        &mut self,
        scope: &str,
        ext: &FieldDescriptorProto,
    ) -> Result<(), ReflectionError> {
        self.define(scope, "extension", &ext.name)?;
        let (extendee, number) = (trim_dot(ext.extendee()), ext.number());
        let numbers = self
            .index
            .extensions
            .entry(extendee.to_owned())
            .or_default();
        let first = *numbers.entry(number).or_insert(self.file);
        self.conflict(first, || format!("extension {number} of {extendee}"))
    }

    // Records `scope.name` (or `name` at the root of a packageless file) and returns it.
    fn define(
        &mut self,
        scope: &str,
        kind: &'static str,
        name: &Option<String>,
    ) -> Result<String, ReflectionError> {
        let file_name = &self.index.files[self.file].name;
        let name = named(self.set, file_name, kind, name)?;
        let symbol = if scope.is_empty() {
            name.to_owned()
        } else {
            format!("{scope}.{name}")
        };
        let first = *self
            .index
            .symbols
            .entry(symbol.clone())
            .or_insert(self.file);
        self.conflict(first, || symbol.clone())?;
        Ok(symbol)
    }

    fn conflict(&self, first: usize, what: impl FnOnce() -> String) -> Result<(), ReflectionError> {
        if first == self.file {
            return Ok(());
        }
        Err(ReflectionError::Conflict {
            what: what(),
            first: self.index.files[first].name.clone(),
            second: self.index.files[self.file].name.clone(),
        })
    }
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
