"""Per-operation summary of a schemathesis NDJSON report: test cases, answers by HTTP status,
failed checks. Usage: python3 schemathesis_summary.py REPORT.ndjson"""

import collections
import json
import sys


def main(path):
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
    print(f"total cases {sum(cases.values())}, failed checks {sum(sum(f.values()) for f in failures.values())}")


if __name__ == "__main__":
    main(sys.argv[1])
