"""Per-operation summary of a schemathesis NDJSON report: test cases, answers by HTTP status,
failed checks.

Usage: python3 schemathesis_summary.py REPORT.ndjson [--schema DOC --min-cases N]

With --schema and --min-cases, every operation of DOC that takes input (a request body or
parameters) must have had at least N cases; exits 1 otherwise, and on any failed check."""

import argparse
import collections
import json
import sys


def operations_with_input(doc_path):
    """`METHOD /path` labels of the document's operations that take a body or parameters."""
    import yaml  # schemathesis depends on PyYAML, so its venv has it

    with open(doc_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    labels = []
    for path, item in (doc.get("paths") or {}).items():
        shared = item.get("parameters") or []
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                continue
            if op.get("requestBody") or op.get("parameters") or shared:
                labels.append(f"{method.upper()} {path}")
    return labels


def main(path, schema=None, min_cases=0):
    cases = collections.Counter()
    phases = collections.defaultdict(collections.Counter)
    statuses = collections.defaultdict(collections.Counter)
    failures = collections.defaultdict(collections.Counter)
    with open(path, encoding="utf-8") as report:
        for line in report:
            event = json.loads(line)
            scenario = event.get("ScenarioFinished")
            if not scenario:
                continue
            recorder = scenario.get("recorder") or {}
            label = recorder.get("label")
            if not label:
                continue
            n = len(recorder.get("cases") or {})
            cases[label] += n
            phases[label][scenario.get("phase", "?")] += n
            for interaction in (recorder.get("interactions") or {}).values():
                response = interaction.get("response")
                status = response["status_code"] if response else "no answer"
                statuses[label][status] += 1
            for checks in (recorder.get("checks") or {}).values():
                for check in checks:
                    if check.get("status") != "success":
                        failures[label][check.get("name")] += 1
    print(f"{'operation':40} {'cases':>6}  phases  answers  failures")
    for label in sorted(cases):
        by_phase = ", ".join(f"{p} {n}" for p, n in sorted(phases[label].items()))
        by_status = ", ".join(f"{s}: {n}" for s, n in sorted(statuses[label].items(), key=str))
        failed = sum(failures[label].values())
        print(f"{label:40} {cases[label]:>6}  [{by_phase}]  [{by_status}]  {failed}")
        for name, n in failures[label].items():
            print(f"    failed check {name}: {n}")
    failed_checks = sum(sum(f.values()) for f in failures.values())
    print(f"total cases {sum(cases.values())}, failed checks {failed_checks}")
    ok = failed_checks == 0
    if schema and min_cases:
        for label in operations_with_input(schema):
            if cases[label] < min_cases:
                print(f"{label}: {cases[label]} cases, fewer than the {min_cases} required")
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--schema")
    parser.add_argument("--min-cases", type=int, default=0)
    args = parser.parse_args()
    sys.exit(main(args.report, args.schema, args.min_cases))
