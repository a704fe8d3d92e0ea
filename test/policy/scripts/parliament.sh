#!/usr/bin/env bash
# Lints policy/*.json with parliament (github.com/duo-labs/parliament, from PyPI), an IAM linter nobody here wrote.
# The files hold placeholders (${Region}, ${Echo}, …) that no linter can read, so it lints what `rds-echo policy`
# renders from them for two fixture echoes that between them use every statement (test/policy/fixtures/stacks:
# an instance echo with every feature, a cluster clone): every role, every statement, real-looking values.
# Fails (exit 1) on any finding not explained in policy/parliament-allowlist.json; prints the findings either way.
# Needs `npm run build` first (it runs the built CLI). parliament is installed once per pinned version into a venv
# under .rds-echo/ (git-ignored), as test/engine/scripts/moto.sh does for moto.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
version="1.6.4"
venv="$root/.rds-echo/parliament-$version"
# The marker is written last, so a half-finished install (a killed pip) is redone rather than trusted.
if [ ! -f "$venv/.installed" ]; then
  command -v python3 >/dev/null || { echo "parliament: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 2; }
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "parliament==$version" >&2
  touch "$venv/.installed"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/rds-echo-parliament.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fixtures="$root/test/policy/fixtures"
# Plausible values for what the definitions cannot say (the account, a customer key of the source's snapshots).
account=123456789012
key="arn:aws:kms:eu-central-1:210987654321:key/66666666-7777-8888-9999-000000000000"
render() { node "$root/dist/cli/main.js" policy "$1" --dir "$fixtures" --role "$2" --account "$account" --kms-key "$key" --quiet > "$work/$3"; }
render everything driver driver-policy.everything.json
render aurora driver driver-policy.aurora.json
render everything source source-role-policy.everything.json
render everything signer approval-signer-policy.everything.json

(cd "$work" && "$venv/bin/python" "$root/test/policy/scripts/parliament-findings.py" *.json) > "$work/findings.jsonl"
node "$root/test/policy/scripts/allowlist.mjs" "$root/policy/parliament-allowlist.json" "$work/findings.jsonl"
