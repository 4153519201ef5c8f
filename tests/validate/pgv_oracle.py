#!/usr/bin/env python3
"""Verdict oracle for protogate's differential validator test.

Compiles the test schemas with grpcio-tools, then reads one input per line from the file named
by argv[2] (`<dialect>\t<full message name>\t<base64 of the encoded message>`, dialect `pgv` or
`pv`) and writes one answer per line:

  pgv: `1` (PGV's Python runtime accepts), `0` (it raises ValidationFailed), `E <error>`
  pv:  a JSON list of [field_path, rule_id, message] from protovalidate (the path as
       [[field, subscript kind, subscript value], ...]), `E <error>` on failure

argv[1] is the workspace root.
"""

import base64
import importlib
import json
import os
import sys
import tempfile

from grpc_tools import protoc

try:
    from importlib.resources import files as resource_files
except ImportError:  # pragma: no cover
    resource_files = None


def compile_protos(root):
    out = tempfile.mkdtemp(prefix="protogate-oracle-")
    wkt = str(resource_files("grpc_tools") / "_proto")
    includes = [
        os.path.join(root, "tests/validate/proto"),
        os.path.join(root, "schemas/proto"),
        os.path.join(root, "codegen/tests/fixtures/protovalidate"),
        wkt,
    ]
    protos = ["validate/validate.proto", "buf/validate/validate.proto"]
    for sub in ("pgvcases", "pvcases"):
        d = os.path.join(root, "tests/validate/proto", sub)
        if os.path.isdir(d):
            protos += [f"{sub}/{f}" for f in sorted(os.listdir(d)) if f.endswith(".proto")]
    args = ["protoc"] + [f"-I{i}" for i in includes] + [f"--python_out={out}"] + protos
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed: " + " ".join(args))
    for d, _, _ in os.walk(out):
        init = os.path.join(d, "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()
    sys.path.insert(0, out)
    return [p[:-len(".proto")].replace("/", ".") + "_pb2" for p in protos]


def field_path(violation):
    """The violation's field path as [[field_name, subscript_kind, subscript_value], ...]
    (kind "" when the element has no subscript); the caller renders it."""
    parts = []
    field = violation.proto.field
    for el in (field.elements if field is not None else []):
        sub = el.subscript
        if sub is None:
            parts.append([el.field_name, "", None])
        else:
            parts.append([el.field_name, sub.field, sub.value])
    return parts


def main():
    root, inputs = sys.argv[1], sys.argv[2]
    modules = [importlib.import_module(m) for m in compile_protos(root)]
    classes = {}
    for module in modules:
        for name, desc in module.DESCRIPTOR.message_types_by_name.items():
            classes[desc.full_name] = getattr(module, name)

    from protoc_gen_validate.validator import ValidationFailed, validate

    protovalidate = None
    out = sys.stdout
    with open(inputs, encoding="utf-8") as f:
        for line in f:
            dialect, name, data = line.rstrip("\n").split("\t")
            try:
                msg = classes[name].FromString(base64.b64decode(data))
                if dialect == "pgv":
                    try:
                        validate(msg)
                        out.write("1\n")
                    except ValidationFailed:
                        out.write("0\n")
                else:
                    if protovalidate is None:
                        import protovalidate as pv

                        protovalidate = pv
                    vs = protovalidate.collect_violations(msg)
                    rows = [[field_path(v), v.proto.rule_id, v.proto.message] for v in vs]
                    out.write(json.dumps(rows, ensure_ascii=False) + "\n")
            except Exception as e:  # noqa: BLE001 - every failure is reported per input
                out.write("E " + repr(e).replace("\n", " ") + "\n")


if __name__ == "__main__":
    main()
