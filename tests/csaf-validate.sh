#!/bin/sh
# Validates a CSAF 2.0 document with the BSI/secvisogram validator
# library: the strict JSON schema and every mandatory test (section 6.1 of
# the CSAF 2.0 standard, which includes the csaf_vex profile tests
# 6.1.27.x).  Optional tests (6.2) are run too and printed as warnings;
# informative tests (6.3) are not, as some of them fetch URLs.
#
# usage: tests/csaf-validate.sh FILE.json...
# Exit: 0 all valid, 1 any invalid (failures printed), 2 usage or setup
# error.  Several files share one run: loading the library takes seconds.
#
# The library is installed into tests/csaf/node_modules from the committed
# package-lock.json with `npm ci`, once: later runs reuse it.  With
# VULTURE_NPM_OFFLINE=1, npm uses only its cache (no network).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# The validator is installed beside the lock file, or, when the source
# tree is read-only (make distcheck), in a cache directory that the next
# run reuses.
csaf=$here/csaf
if [ ! -w "$csaf" ]; then
	cache=${VULTURE_CSAF_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vulture-csaf}
	mkdir -p "$cache"
	cp -p "$csaf/package.json" "$csaf/package-lock.json" "$cache/"
	csaf=$cache
fi

if [ $# -eq 0 ]; then
	echo "usage: $0 FILE.json..." >&2
	exit 2
fi
# Absolute paths, as node runs from tests/csaf.
for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "$0: cannot read $f" >&2
		exit 2
	fi
	set -- "$@" "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
	shift
done

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool is needed (Debian: apt-get install nodejs npm)" >&2
		exit 2
	fi
done

# npm ci rewrites node_modules/.package-lock.json; if it is newer than the
# lock file, the installed tree is the locked one and there is nothing to do.
if [ ! -f "$csaf/node_modules/.package-lock.json" ] ||
    [ "$csaf/package-lock.json" -nt "$csaf/node_modules/.package-lock.json" ]; then
	if [ "${VULTURE_NPM_OFFLINE:-0}" = 1 ]; then
		mode=--offline
	else
		mode=--prefer-offline
	fi
	echo "csaf-validate: installing the validator into $csaf/node_modules" >&2
	if [ -f "$csaf/package-lock.json" ]; then
		(cd "$csaf" && npm ci $mode --no-audit --no-fund --loglevel=error) >&2
	else
		(cd "$csaf" && npm install $mode --no-audit --no-fund --loglevel=error) >&2
	fi
fi

cd "$csaf"
exec node --input-type=module - "$@" <<'EOF'
import { readFileSync } from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import * as optional from '@secvisogram/csaf-validator-lib/optionalTests.js'

const required = [csaf_2_0_strict, ...Object.values(mandatory)]
let allValid = true

for (const file of process.argv.slice(2)) {
  let doc
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    console.log(`FAIL ${file}: not JSON: ${e.message}`)
    allValid = false
    continue
  }
  const strict = await validateStrict(required, doc)
  const advice = await validateStrict(Object.values(optional), doc)

  for (const t of strict.tests) {
    for (const e of t.errors)
      console.log(`FAIL ${t.name}: ${e.instancePath || '/'}: ${e.message}`)
  }
  for (const t of advice.tests) {
    for (const e of [...t.errors, ...t.warnings])
      console.log(`warning ${t.name}: ${e.instancePath || '/'}: ${e.message}`)
  }
  const failed = strict.tests.filter((t) => !t.isValid).length
  const warned = advice.tests.filter(
    (t) => t.errors.length + t.warnings.length > 0).length
  console.log(`${file}: ${strict.tests.length} schema and mandatory ` +
    `tests, ${failed} failed; ${advice.tests.length} optional tests, ` +
    `${warned} with warnings`)
  allValid = allValid && strict.isValid
}
process.exit(allValid ? 0 : 1)
EOF
