"""Runs parliament's analysis over the policy documents named on the command line and prints one JSON finding a line.

parliament's own CLI writes /tmp/parliament.log on every run; its library API (analyze_policy_string, what the CLI
calls) leaves nothing behind, so this uses that, with the CLI's enhancement (title, severity) and its default
threshold (LOW and above), community auditors included.
"""
import json
import re
import sys
from pathlib import Path

import parliament
from parliament import analyze_policy_string, enhance_finding, override_config
from parliament.cli import is_finding_filtered

# What the CLI does for --include-community-auditors: their finding types join the config enhance_finding reads.
override_config(Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml")


def sid_at(lines, line):
    """The Sid of the statement that starts at `line` (1-based): rds-echo policy writes each statement's Sid first."""
    for text in lines[line - 1:]:
        match = re.search(r'"Sid": "([^"]+)"', text)
        if match:
            return match.group(1)
    return None


def actions_of(finding):
    """The actions a finding is about, whichever way parliament reports them."""
    found = set((finding.location or {}).get("actions") or [])
    if isinstance(finding.detail, list):
        found |= {d.get("action") for d in finding.detail if isinstance(d, dict) and d.get("action")}
    return sorted(a.lower() for a in found)


def main(paths):
    for path in paths:
        with open(path) as f:
            contents = f.read()
        lines = contents.split("\n")
        policy = analyze_policy_string(contents, path, include_community_auditors=True, config=parliament.config)
        for finding in policy.findings:
            finding = enhance_finding(finding)
            if is_finding_filtered(finding, "LOW"):
                continue
            print(json.dumps({
                "file": path,
                "issue": finding.issue,
                "severity": finding.severity,
                "title": finding.title,
                "detail": finding.detail,
                "location": finding.location,
                "sid": sid_at(lines, finding.location["line"]) if isinstance(finding.location, dict) and "line" in finding.location else None,
                "actions": actions_of(finding),
            }, default=str, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
