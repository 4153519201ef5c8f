use super::*;

const DOC: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a/{id}:\n    get:\n      operationId: A_Get\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: ok\n";

#[test]
fn every_node_has_its_line() {
    let doc = parse("api.yaml", DOC).unwrap();
    assert_eq!(doc.version, Version::V3_0);
    assert_eq!(
        doc.location(&["paths", "/a/{id}", "get", "operationId"])
            .line,
        8
    );
    assert_eq!(
        doc.location(&["paths", "/a/{id}", "get", "parameters", "0", "in"])
            .line,
        11
    );
    assert_eq!(
        doc.location(&["paths", "/a/{id}", "get", "nothing"]).line,
        7
    );
}

#[test]
fn openapi_31_is_read() {
    let doc = parse("api.yaml", "info: {}\nopenapi: 3.1.0\npaths: {}\n").unwrap();
    assert_eq!(doc.version, Version::V3_1);
}

#[test]
fn other_versions_are_refused_with_their_line() {
    let err = parse("api.yaml", "info: {}\nopenapi: 4.0.0\npaths: {}\n").unwrap_err();
    assert_eq!(err.code, "openapi-version");
    assert_eq!(err.location.line, 2);
    let err = parse("api.yaml", "info: {}\n\nswagger: '1.2'\n").unwrap_err();
    assert_eq!(err.code, "openapi-version");
    assert_eq!(err.location.line, 3);
    let err = parse("api.yaml", "info: {}\n").unwrap_err();
    assert_eq!(err.code, "openapi-version");
}

#[test]
fn malformed_yaml_names_the_line() {
    let err = parse(
        "api.yaml",
        "openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n",
    )
    .unwrap_err();
    assert_eq!(err.code, "openapi-yaml");
    assert!(err.location.line >= 3, "{err}");
}

const SWAGGER: &str = r##"swagger: "2.0"
info: {title: t, version: "1"}
basePath: /api/v1
securityDefinitions:
  bearer:
    type: apiKey
    name: Authorization
    in: header
paths:
  /things/{id}:
    post:
      operationId: S_Post
      parameters:
        - name: id
          in: path
          required: true
          type: string
          maxLength: 10
        - name: body
          in: body
          required: true
          schema:
            $ref: "#/definitions/Thing"
      responses:
        "200":
          description: ok
          schema:
            $ref: "#/definitions/Thing"
definitions:
  Thing:
    type: object
    properties:
      name:
        type: string
"##;

#[test]
fn swagger_2_is_read_as_openapi_3_with_its_own_lines() {
    let doc = parse("api.yaml", SWAGGER).unwrap();
    assert_eq!(doc.version, Version::Swagger2);
    assert_eq!(doc.base_path().as_deref(), Some("/api/v1"));
    let op = &doc.raw["paths"]["/things/{id}"]["post"];
    assert_eq!(op["parameters"][0]["schema"]["maxLength"], 10);
    assert_eq!(op["parameters"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Thing"
    );
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Thing"
    );
    assert_eq!(
        doc.raw["components"]["securitySchemes"]["bearer"]["in"],
        "header"
    );
    let path = ["paths", "/things/{id}", "post"];
    let line = |more: &[&str]| {
        let mut t: Vec<&str> = path.to_vec();
        t.extend(more);
        doc.location(&t).line
    };
    assert_eq!(line(&["parameters", "0", "schema", "maxLength"]), 18);
    assert_eq!(
        line(&[
            "requestBody",
            "content",
            "application/json",
            "schema",
            "$ref"
        ]),
        23
    );
    assert_eq!(
        line(&["responses", "200", "content", "application/json", "schema"]),
        27
    );
    assert_eq!(
        doc.location(&["components", "schemas", "Thing", "properties", "name"])
            .line,
        33
    );
    assert_eq!(doc.location(&["servers", "0", "url"]).line, 3);
}

#[test]
fn referenced_files_are_loaded_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("common.yaml"),
        "components:\n  schemas:\n    Name:\n      type: string\n",
    )
    .unwrap();
    let main = dir.path().join("api.yaml");
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'common.yaml#/components/schemas/Name'}\n    B: {$ref: 'missing.yaml#/x'}\n";
    std::fs::write(&main, text).unwrap();
    let doc = read(&main).unwrap();
    let part = doc.external(0, "common.yaml").unwrap();
    let (file, raw) = doc.part(part).unwrap();
    assert!(file.ends_with("common.yaml"));
    assert_eq!(raw["components"]["schemas"]["Name"]["type"], "string");
    assert_eq!(
        doc.part_location(part, &["components", "schemas", "Name", "type"])
            .line,
        4
    );
    assert!(doc.external(0, "missing.yaml").is_err());
}

#[test]
fn swagger_form_parameters_become_a_form_body() {
    let text = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      parameters:\n        - {name: n, in: formData, type: string, maxLength: 3, required: true}\n      responses:\n        '200': {description: ok}\n";
    let doc = parse("api.yaml", text).unwrap();
    let schema = &doc.raw["paths"]["/a"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(schema["properties"]["n"]["maxLength"], 3);
    assert_eq!(schema["required"][0], "n");
    let at = [
        "paths",
        "/a",
        "post",
        "requestBody",
        "content",
        "application/x-www-form-urlencoded",
        "schema",
        "properties",
        "n",
        "maxLength",
    ];
    assert_eq!(doc.location(&at).line, 7);
}

#[test]
fn swagger_shared_body_parameters_and_security_schemes_convert() {
    let text = r##"swagger: "2.0"
info: {title: t, version: "1"}
securityDefinitions:
  basic: {type: basic}
  oauth: {type: oauth2, flow: accessCode, authorizationUrl: "https://a", tokenUrl: "https://t", scopes: {}}
parameters:
  Thing:
    name: body
    in: body
    required: true
    schema: {$ref: "#/definitions/Thing"}
  Id: {name: id, in: path, required: true, type: string}
paths:
  /a/{id}:
    parameters:
      - $ref: "#/parameters/Id"
    put:
      parameters:
        - $ref: "#/parameters/Thing"
      responses:
        "200": {$ref: "#/responses/Ok"}
responses:
  Ok: {description: ok, schema: {$ref: "#/definitions/Thing"}}
definitions:
  Thing: {type: object}
"##;
    let doc = parse("api.yaml", text).unwrap();
    let schemes = &doc.raw["components"]["securitySchemes"];
    assert_eq!(schemes["basic"]["scheme"], "basic");
    assert_eq!(
        schemes["oauth"]["flows"]["authorizationCode"]["tokenUrl"],
        "https://t"
    );
    let put = &doc.raw["paths"]["/a/{id}"]["put"];
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Thing"
    );
    assert_eq!(put["requestBody"]["required"], true);
    assert!(put.get("parameters").is_none(), "{put}");
    assert_eq!(
        doc.raw["paths"]["/a/{id}"]["parameters"][0]["$ref"],
        "#/components/parameters/Id"
    );
    assert_eq!(
        doc.raw["components"]["parameters"]["Id"]["schema"]["type"],
        "string"
    );
    assert!(doc.raw["components"]["parameters"].get("Thing").is_none());
    assert_eq!(put["responses"]["200"]["$ref"], "#/components/responses/Ok");
    assert_eq!(
        doc.raw["components"]["responses"]["Ok"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Thing"
    );
}

#[test]
fn ref_paths_are_normalized_without_the_file_system() {
    assert_eq!(
        normalize(Path::new("a/./b/../c.yaml")),
        Path::new("a/c.yaml")
    );
    assert_eq!(
        normalize(Path::new("../../x.yaml")),
        Path::new("../../x.yaml")
    );
    assert_eq!(
        normalize(Path::new("a/../../x.yaml")),
        Path::new("../x.yaml")
    );
}

#[test]
fn a_security_scheme_of_no_known_type_is_refused_at_its_line() {
    let doc = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\ncomponents:\n  securitySchemes:\n    bearerAuth:\n      type: number\n      scheme: bearer\n    key:\n      type: apiKey\n      in: header\n";
    let e = parse("api.yaml", doc).unwrap_err();
    assert_eq!(e.code, "openapi-invalid");
    assert_eq!(e.location.line, 9);
    assert!(e.message.contains("`bearerAuth`"), "{}", e.message);
    let fixed = doc.replace("type: number", "type: http");
    let e = parse("api.yaml", &fixed).unwrap_err();
    assert!(
        e.message.contains("`key` of type `apiKey` needs `name`"),
        "{}",
        e.message
    );
    assert!(parse("api.yaml", &format!("{fixed}      name: X-Key\n")).is_ok());
}
