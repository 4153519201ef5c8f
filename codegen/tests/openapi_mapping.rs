//! `protogate openapi`, construct by construct on a small schema: operations and parameters as
//! grpc-gateway and protoc-gen-openapiv2 have them, proto3 JSON types with their rules, what
//! OpenAPI 3.0 says in its own words, and the schema against its own emitted documents.

mod openapi_support;

use std::path::{Path, PathBuf};

use openapi_support::*;
use protogate_codegen::emit::openapi::{Format, Version};
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{Inputs, ProtoSource};
use serde_json::{json, Value};

const SCHEMA: &str = r#"syntax = "proto3";
package t.v1;
import "google/api/annotations.proto";
import "google/api/field_behavior.proto";
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "protoc-gen-openapiv2/options/annotations.proto";
import "validate/validate.proto";
import "zitadel/options.proto";

// Keeps things.
service Things {
  // Returns a thing.
  //
  // By its resource name.
  rpc GetThing(GetThingRequest) returns (Thing) {
    option (google.api.http) = {
      get: "/v1/{name=shelves/*/things/*}"
      additional_bindings { post: "/v1/{name=shelves/*/things/*}:get" body: "*" }
    };
    option (zitadel.v1.auth_option) = {permission: "thing.read"};
  }
  // Returns another thing.
  rpc GetOther(GetThingRequest) returns (Thing) {
    option (google.api.http) = {get: "/v1/{name=others/*}"};
    option (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_operation) = {
      summary: "Other" tags: "Others" operation_id: "OtherGet"
      responses: {key: "404" value: {description: "No such thing."}}
    };
  }
  rpc ListThings(ListThingsRequest) returns (ListThingsResponse) {
    option (google.api.http) = {get: "/v1/things" response_body: "things"};
  }
  rpc CreateThing(CreateThingRequest) returns (Thing) {
    option (google.api.http) = {post: "/v1/things" body: "thing"};
  }
  rpc WatchThings(ListThingsRequest) returns (stream Thing) {
    option (google.api.http) = {get: "/v1/things:watch"};
  }
  rpc Upload(stream Thing) returns (Thing) {
    option (google.api.http) = {post: "/v1/things:upload" body: "*"};
  }
}

message GetThingRequest {
  string name = 1;
  google.protobuf.FieldMask read_mask = 2;
}

// How big.
enum Kind {
  KIND_UNSPECIFIED = 0;
  SMALL = 1;
  LARGE = 2;
}

message Filter {
  int32 min_size = 1;
  Kind kind = 2;
}

message ListThingsRequest {
  int32 page_size = 1 [(validate.rules).int32 = {gt: 0, lte: 100}];
  repeated string tags = 2;
  repeated Kind kinds = 3;
  Filter filter = 4;
  map<string, string> labels = 5;
  string token = 6 [(validate.rules).string.min_len = 1];
}

message ListThingsResponse {
  repeated Thing things = 1;
}

message CreateThingRequest {
  Thing thing = 1 [(validate.rules).message.required = true];
  string id = 2;
}

// A thing.
message Thing {
  string name = 1 [(google.api.field_behavior) = REQUIRED];
  int64 size = 2;
  uint64 weight = 3;
  bytes blob = 4 [(validate.rules).bytes = {min_len: 1, max_len: 3}];
  google.protobuf.Timestamp when = 5 [(google.api.field_behavior) = OUTPUT_ONLY];
  google.protobuf.Duration ttl = 6;
  google.protobuf.Int64Value maybe = 7;
  google.protobuf.Struct meta = 8;
  google.protobuf.Value loose = 9;
  google.protobuf.ListValue list = 10;
  // A detail.
  google.protobuf.Any detail = 11;
  Kind kind = 12 [(validate.rules).enum = {in: [1, 2]}];
  oneof place {
    string room = 13;
    int32 shelf = 14;
  }
  string email = 15 [(validate.rules).string.email = true];
  string code = 16 [(validate.rules).string = {in: ["a", "b"]}];
  double ratio = 17 [(validate.rules).double = {gte: 0, lt: 1}];
  repeated string aliases = 18 [(validate.rules).repeated = {min_items: 1, max_items: 3, unique: true}];
  map<int64, string> by_id = 19;
  string id = 20 [(validate.rules).string.uuid = true];
  bool flag = 21 [(validate.rules).bool.const = true];
}
"#;

/// The small schema's inputs (written to `dir`).
fn small(dir: &Path) -> impl Fn(Option<PathBuf>) -> Inputs {
    let proto = dir.join("t.proto");
    std::fs::write(&proto, SCHEMA).expect("writes the proto");
    let includes = vec![dir.to_path_buf(), root().join("schemas/proto")];
    move |openapi| Inputs {
        proto: ProtoSource::Files {
            files: vec![proto.clone()],
            includes: includes.clone(),
        },
        openapi,
        model: ModelOptions::default(),
    }
}

fn at<'v>(doc: &'v Value, pointer: &str) -> &'v Value {
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} is missing"))
}

#[test]
fn operations_follow_grpc_gateway_and_protoc_gen_openapiv2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = parse(&emit(&small(dir.path())(None), Version::V3_1, Format::Json));
    let get = at(&doc, "/paths/~1v1~1{name}/get");
    assert_eq!(get["operationId"], "Things_GetThing");
    assert_eq!(get["summary"], "Returns a thing.");
    assert_eq!(get["description"], "By its resource name.");
    assert_eq!(get["tags"], json!(["Things"]));
    assert_eq!(get["security"], json!([{"bearerAuth": []}]));
    assert_eq!(
        get["parameters"][0],
        json!({"name": "name", "in": "path", "required": true,
               "schema": {"type": "string", "pattern": "^shelves/[^/]+/things/[^/]+$"}})
    );
    assert_eq!(get["parameters"][1]["name"], "readMask");
    // The additional binding: numbered operationId, a body without the path's field.
    let post = at(&doc, "/paths/~1v1~1{name}:get/post");
    assert_eq!(post["operationId"], "Things_GetThing2");
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/t.v1.Things.GetThingBody2"
    );
    let body = at(
        &doc,
        "/components/schemas/t.v1.Things.GetThingBody2/properties",
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    // Same path and method as GetThing: the first path parameter is numbered.
    let other = at(&doc, "/paths/~1v1~1{name_1}/get");
    assert_eq!(other["operationId"], "OtherGet");
    assert_eq!(other["summary"], "Other");
    assert_eq!(other["tags"], json!(["Others"]));
    assert_eq!(other["parameters"][0]["name"], "name_1");
    assert_eq!(
        other["parameters"][0]["schema"]["pattern"],
        "^others/[^/]+$"
    );
    assert!(other.get("security").is_none());
    assert_eq!(other["responses"]["404"]["description"], "No such thing.");
    assert_eq!(
        other["responses"]["default"]["$ref"],
        "#/components/responses/Error"
    );
    // Query parameters: dotted names, repeated fields, enums; maps cannot be one.
    let list = at(&doc, "/paths/~1v1~1things/get");
    let names: Vec<&str> = list["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "pageSize",
            "tags",
            "kinds",
            "filter.minSize",
            "filter.kind",
            "token"
        ]
    );
    assert_eq!(
        list["parameters"][0]["schema"],
        json!({"type": "integer", "format": "int32", "exclusiveMinimum": 0, "maximum": 100})
    );
    assert_eq!(
        list["parameters"][2]["schema"]["items"]["$ref"],
        "#/components/schemas/t.v1.Kind"
    );
    assert_eq!(list["parameters"][5]["required"], true);
    // response_body: the field alone.
    assert_eq!(
        list["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/t.v1.Thing"}})
    );
    let create = at(&doc, "/paths/~1v1~1things/post/requestBody");
    assert_eq!(create["required"], true);
    assert_eq!(
        create["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/t.v1.Thing"
    );
    // Server streaming: grpc-gateway's lines of `{"result": …}` or `{"error": …}`.
    let watch = at(
        &doc,
        "/paths/~1v1~1things:watch/get/responses/200/content/application~1json/schema/properties",
    );
    assert_eq!(watch["result"]["$ref"], "#/components/schemas/t.v1.Thing");
    assert_eq!(
        watch["error"]["$ref"],
        "#/components/schemas/google.rpc.Status"
    );
    // REST serves no request stream.
    assert!(doc.pointer("/paths/~1v1~1things:upload").is_none());
    assert_eq!(
        at(&doc, "/components/securitySchemes/bearerAuth"),
        &json!({"type": "http", "scheme": "bearer",
                "description": "A bearer token, sent as `Authorization: Bearer <token>`."})
    );
    assert_eq!(
        at(&doc, "/components/schemas/google.rpc.Status/required"),
        &json!(["code", "message", "details"])
    );
    assert_eq!(
        at(&doc, "/components/schemas/google.protobuf.Any/required"),
        &json!(["@type"])
    );
}

#[test]
fn fields_are_proto3_json_with_their_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = parse(&emit(&small(dir.path())(None), Version::V3_1, Format::Json));
    let thing = at(&doc, "/components/schemas/t.v1.Thing");
    assert_eq!(thing["description"], "A thing.");
    assert_eq!(thing["required"], json!(["name", "blob", "aliases"]));
    let p = &thing["properties"];
    for (field, schema) in [
        ("size", json!({"type": "string", "format": "int64"})),
        ("weight", json!({"type": "string", "format": "uint64"})),
        (
            "blob",
            json!({"type": "string", "format": "byte", "minLength": 2, "maxLength": 4}),
        ),
        (
            "when",
            json!({"type": "string", "format": "date-time", "readOnly": true}),
        ),
        (
            "ttl",
            json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$"}),
        ),
        (
            "maybe",
            json!({"type": ["string", "null"], "format": "int64"}),
        ),
        ("meta", json!({"type": "object"})),
        ("loose", json!({})),
        ("list", json!({"type": "array", "items": {}})),
        (
            "detail",
            json!({"$ref": "#/components/schemas/google.protobuf.Any", "description": "A detail."}),
        ),
        (
            "kind",
            json!({"allOf": [{"$ref": "#/components/schemas/t.v1.Kind"}, {"enum": ["SMALL", "LARGE"]}]}),
        ),
        ("email", json!({"type": "string", "format": "email"})),
        ("code", json!({"type": "string", "enum": ["a", "b"]})),
        (
            "ratio",
            json!({"type": "number", "format": "double", "minimum": 0.0, "exclusiveMaximum": 1.0}),
        ),
        (
            "aliases",
            json!({"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3, "uniqueItems": true}),
        ),
        (
            "byId",
            json!({"type": "object", "propertyNames": {"pattern": "^-?[0-9]+$"}, "additionalProperties": {"type": "string"}}),
        ),
        ("id", json!({"type": "string", "format": "uuid"})),
        ("flag", json!({"type": "boolean", "const": true})),
    ] {
        assert_eq!(p[field], schema, "{field}");
    }
    assert_eq!(
        thing["oneOf"],
        json!([{"required": ["room"]}, {"required": ["shelf"]},
               {"not": {"anyOf": [{"required": ["room"]}, {"required": ["shelf"]}]}}])
    );
    assert_eq!(
        at(&doc, "/components/schemas/t.v1.Kind"),
        &json!({"type": "string", "description": "How big.", "enum": ["KIND_UNSPECIFIED", "SMALL", "LARGE"]})
    );
}

#[test]
fn openapi_3_0_says_the_same_in_its_own_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = parse(&emit(&small(dir.path())(None), Version::V3_0, Format::Json));
    assert_eq!(doc["openapi"], "3.0.3");
    let p = at(&doc, "/components/schemas/t.v1.Thing/properties");
    assert_eq!(
        p["maybe"],
        json!({"type": "string", "format": "int64", "nullable": true})
    );
    assert_eq!(
        p["ratio"],
        json!({"type": "number", "format": "double", "minimum": 0.0, "maximum": 1.0, "exclusiveMaximum": true})
    );
    assert_eq!(p["flag"], json!({"type": "boolean", "enum": [true]}));
    // A 3.0 `$ref` takes no siblings.
    assert_eq!(
        p["detail"],
        json!({"allOf": [{"$ref": "#/components/schemas/google.protobuf.Any"}], "description": "A detail."})
    );
    assert!(p["byId"].get("propertyNames").is_none());
    assert!(doc
        .pointer("/components/schemas/t.v1.Thing/oneOf")
        .is_none());
    assert_eq!(
        at(&doc, "/paths/~1v1~1things/get/parameters/0/schema"),
        &json!({"type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": true, "maximum": 100})
    );
}

#[test]
fn the_small_schema_agrees_with_its_own_emitted_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = small(dir.path());
    for version in [Version::V3_0, Version::V3_1] {
        let document = emit(&inputs(None), version, Format::Json);
        let findings = drift(&inputs, &document, "t.openapi.json");
        assert!(findings.is_empty(), "{version:?}: {}", findings.join("\n"));
    }
}

const HTTP_BODY_SCHEMA: &str = r#"syntax = "proto3";
package t.v1;
import "google/api/annotations.proto";
import "google/api/httpbody.proto";

service Files {
  rpc Put(PutRequest) returns (Stored) {
    option (google.api.http) = {post: "/v1/files/{name}" body: "content"};
  }
  rpc PutRaw(google.api.HttpBody) returns (Stored) {
    option (google.api.http) = {put: "/v1/raw" body: "*"};
  }
  rpc Get(GetRequest) returns (google.api.HttpBody) {
    option (google.api.http) = {get: "/v1/files/{name}"};
  }
  rpc Chunks(GetRequest) returns (stream google.api.HttpBody) {
    option (google.api.http) = {get: "/v1/chunks/{name}"};
  }
  rpc Fetch(GetRequest) returns (PutRequest) {
    option (google.api.http) = {get: "/v1/files/{name}/content" response_body: "content"};
  }
}

message PutRequest {
  string name = 1;
  // The file's bytes.
  google.api.HttpBody content = 2;
}

message GetRequest {
  string name = 1;
}

message Stored {
  int64 size = 1;
}
"#;

#[test]
fn http_body_is_raw_bytes_of_any_media_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let proto = dir.path().join("t.proto");
    std::fs::write(&proto, HTTP_BODY_SCHEMA).expect("writes the proto");
    let includes = vec![dir.path().to_path_buf(), root().join("schemas/proto")];
    let inputs = move |openapi| Inputs {
        proto: ProtoSource::Files {
            files: vec![proto.clone()],
            includes: includes.clone(),
        },
        openapi,
        model: ModelOptions::default(),
    };
    let binary = json!({"*/*": {"schema": {"type": "string", "format": "binary"}}});
    let doc = parse(&emit(&inputs(None), Version::V3_1, Format::Json));
    let put = at(&doc, "/paths/~1v1~1files~1{name}/post");
    assert_eq!(put["requestBody"]["content"], binary);
    assert_eq!(put["requestBody"]["description"], "The file's bytes.");
    assert_eq!(
        at(&doc, "/paths/~1v1~1raw/put/requestBody/content"),
        &binary
    );
    for path in [
        "/paths/~1v1~1files~1{name}/get",
        "/paths/~1v1~1chunks~1{name}/get",
    ] {
        let ok = at(&doc, &format!("{path}/responses/200"));
        assert_eq!(ok["content"], binary, "{path}");
    }
    let document = emit(&inputs(None), Version::V3_1, Format::Json);
    let findings = drift(&inputs, &document, "t.openapi.json");
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
