#!/bin/sh
# vulture's CVSS scores (src/cvss.c) against an independent implementation
# of FIRST's formulas, ae-cvss-calculator from the npm registry: every
# CVSS v3.1 base vector and CVSS_COUNT (1000) pseudo-random vectors of each
# of v3.0, v3.1 and v4.0, with and without their optional metrics.  The
# Check suite (tests/check_cvss.c) holds FIRST's own examples.
#
# The package is installed into tests/cvss/node_modules from the committed
# lock file, once (a cache directory when the source tree is read-only,
# as under make distcheck); VULTURE_NPM_OFFLINE=1 uses only npm's cache.
. "$top_srcdir/tests/lib.sh"

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "$tool is needed (Debian: apt-get install nodejs npm)"
		finish
		exit
	fi
done
dir=$top_srcdir/tests/cvss
if [ ! -w "$dir" ]; then
	dir=${VULTURE_CVSS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vulture-cvss}
	mkdir -p "$dir"
	cp -p "$top_srcdir/tests/cvss/package.json" \
	    "$top_srcdir/tests/cvss/package-lock.json" "$dir/"
fi
if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
	mode=--prefer-offline
	[ "${VULTURE_NPM_OFFLINE:-0}" = 1 ] && mode=--offline
	(cd "$dir" && npm ci $mode --no-audit --no-fund --loglevel=error) >&2 ||
	    { bad "npm ci in $dir failed"; finish; exit; }
fi

NODE_PATH=$dir/node_modules node "$top_srcdir/tests/cvss/crosscheck.js" \
    "${CVSS_COUNT:-1000}" > "$T/expected" 2> "$T/node.err" ||
    bad "crosscheck.js: $(tail -5 "$T/node.err")"
cut -d' ' -f1 "$T/expected" | "$top_builddir/tests/check_vulture" --cvss \
    > "$T/got" || bad "check_vulture --cvss failed"

# Per version: how many were compared, and every difference shown.
for v in 3.0 3.1 4.0; do
	grep "^CVSS:$v/" "$T/expected" > "$T/e" || true
	grep "^CVSS:$v/" "$T/got" > "$T/g" || true
	n=$(wc -l < "$T/e")
	if [ "$n" -lt 1000 ]; then
		bad "CVSS:$v: only $n vectors compared"
	elif cmp -s "$T/e" "$T/g"; then
		echo "CVSS:$v: $n vectors, every base and overall score as ae-cvss-calculator"
		ok
	else
		bad "CVSS:$v: differs from ae-cvss-calculator (expected <, vulture >):
$(diff "$T/e" "$T/g" | head -20)"
	fi
done
finish
