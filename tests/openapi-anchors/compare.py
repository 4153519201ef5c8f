"""What each OpenAPI document states of the schema, side by side, as a Markdown table.

Usage: python3 compare.py NAME=DOC [NAME=DOC ...]

DOC is a JSON document (OpenAPI 3.x or Swagger 2.0) or a directory of them, merged. Every
figure is a count over the whole document; schema keywords are counted only where a schema is
(never a property that happens to be named like a keyword)."""

import collections
import json
import os
import sys

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
VALIDATION = (
    "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "const", "multipleOf",
)
STRING_FORMATS = ("email", "uri", "uuid", "hostname", "ipv4", "ipv6", "date-time", "byte")


def load(path):
    if os.path.isdir(path):
        merged = {}
        for dirpath, _, names in sorted(os.walk(path)):
            for name in sorted(names):
                if name.endswith(".json"):
                    merge(merged, load(os.path.join(dirpath, name)))
        return merged
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def merge(into, doc):
    for key, value in doc.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into.setdefault(key, value)


class Counts:
    def __init__(self):
        self.c = collections.Counter()
        self.seen = set()

    def schema(self, s, doc):
        if not isinstance(s, dict):
            return
        ref = s.get("$ref")
        if ref:
            if ref in self.seen:
                return
            self.seen.add(ref)
            self.schema(resolve(doc, ref), doc)
            return
        for k in VALIDATION:
            if k in s:
                self.c["validation keywords"] += 1
        if "enum" in s:
            self.c["enum lists (proto enums, `in`, `const`)"] += 1
        if s.get("format") in STRING_FORMATS:
            self.c["string formats (email, uri, uuid, date-time…)"] += 1
        if s.get("format") in ("int64", "uint64"):
            key = "64-bit integers as strings" if s.get("type") == "string" or (
                isinstance(s.get("type"), list) and "string" in s["type"]) else "64-bit integers as numbers"
            self.c[key] += 1
        self.c["required properties"] += len(s.get("required") or []) if isinstance(
            s.get("required"), list) else 0
        for k in ("oneOf", "anyOf"):
            if k in s:
                self.c["oneOf / anyOf"] += 1
        for k in ("allOf", "oneOf", "anyOf", "prefixItems"):
            for part in s.get(k) or []:
                self.schema(part, doc)
        for prop in (s.get("properties") or {}).values():
            self.schema(prop, doc)
        for k in ("items", "additionalProperties", "not"):
            if isinstance(s.get(k), dict):
                self.schema(s[k], doc)


def resolve(doc, ref):
    if not ref.startswith("#/"):
        return {}
    node = doc
    for part in ref[2:].split("/"):
        node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
    return node


def count(doc):
    counts = Counts()
    c = counts.c
    swagger = "swagger" in doc
    c["version"] = doc.get("openapi") or ("2.0" if swagger else "?")
    c["base path (servers / basePath)"] = "yes" if doc.get("servers") or doc.get("basePath") else "no"
    schemes = (doc.get("components") or {}).get("securitySchemes") or doc.get("securityDefinitions") or {}
    c["security schemes"] = len(schemes)
    for path, item in (doc.get("paths") or {}).items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            c["operations"] += 1
            if op.get("security") or doc.get("security"):
                c["operations with a security requirement"] += 1
            if op.get("description"):
                c["operations with a description"] += 1
            for p in (op.get("parameters") or []) + (item.get("parameters") or []):
                if "$ref" in p:
                    p = resolve(doc, p["$ref"])
                where = p.get("in")
                if where == "body":
                    c["request bodies"] += 1
                    counts.schema(p.get("schema"), doc)
                    continue
                c[f"{where} parameters"] += 1
                if p.get("required"):
                    c["required parameters"] += 1
                schema = p.get("schema") if not swagger else p
                if where == "path" and (schema or {}).get("pattern"):
                    c["path parameters with a pattern"] += 1
                counts.schema(schema, doc)
            body = op.get("requestBody")
            if body:
                c["request bodies"] += 1
                for media in (body.get("content") or {}).values():
                    counts.schema(media.get("schema"), doc)
            responses = op.get("responses") or {}
            if "default" in responses:
                c["operations with a default (error) response"] += 1
            for response in responses.values():
                if "$ref" in response:
                    response = resolve(doc, response["$ref"])
                counts.schema(response.get("schema"), doc)
                for media in (response.get("content") or {}).values():
                    counts.schema(media.get("schema"), doc)
    return c


def main(args):
    names, columns = [], []
    for arg in args:
        name, _, path = arg.partition("=")
        names.append(name)
        columns.append(count(load(path)))
    rows = []
    for c in columns:
        for key in c:
            if key not in rows:
                rows.append(key)
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for key in rows:
        print(f"| {key} | " + " | ".join(str(c.get(key, 0)) for c in columns) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
