#!/bin/sh
# Renders the test case's site, opens its pages in headless Chromium and
# keeps screenshots at phone (375x800) and desktop (1280x900) sizes, plus
# full-height ones for review.  Checks, from the DOM Chromium built:
#  - the vendor table is there with a row for each of the 7 vendors;
#  - at 375 px the case page does not scroll sideways (measured by a
#    wrapper page that frames it, as the page itself runs no script).
#
# usage: tests/browser.sh [CHECK_BINARY] [ARTIFACT_DIR]
#   CHECK_BINARY  defaults to build/check_publish (make builds it)
#   ARTIFACT_DIR  defaults to build/browser; the PNGs are kept there
# Exit: 0 pass, 1 fail, 77 skipped (no Chromium).
# Needs Debian's chromium (apt-get install -y chromium) and a Japanese font
# (apt-get install -y fonts-ipafont-gothic or fonts-noto-cjk), else the
# Japanese text renders as boxes in the screenshots.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/check_publish}
art=${2:-$root/build/browser}

chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		chrome=$c
		break
	fi
done
if [ -z "$chrome" ]; then
	echo "browser.sh: no chromium; skipped (apt-get install -y chromium)"
	exit 77
fi
if [ ! -x "$bin" ]; then
	echo "browser.sh: $bin missing (run make)" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/vpub.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$art"
mkdir "$tmp/tree"
"$bin" --write-tree "$tmp/tree"
site=$tmp/tree/site
case_dir=$site/cases/JVNVU12345678

# One fresh profile per run; nothing may reach the network.
browse() {
	"$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --hide-scrollbars \
	    --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chrome.log"
}

shot() {	# page-file width height name
	rm -f "$art/$4.png"
	browse --window-size="$2,$3" --screenshot="$art/$4.png" \
	    "file://$1" >/dev/null
	if [ ! -s "$art/$4.png" ]; then
		echo "FAIL: no screenshot $4.png" >&2
		cat "$tmp/chrome.log" >&2
		exit 1
	fi
}

fail=0

for w in 375x800 1280x900 375x3200 1280x2200; do
	width=${w%x*}
	height=${w#*x}
	shot "$case_dir/index.html" "$width" "$height" "case-ja-$w"
done
# The vendor table on a phone: headless Chromium ignores #fragments in
# screenshots, so a wrapper frames the page and scrolls it to the table.
cat >"$tmp/tree/scrolled.html" <<EOF
<!DOCTYPE html><html><body style="margin:0;overflow:hidden">
<iframe id="f" src="site/cases/JVNVU12345678/index.html"
 style="width:375px;height:800px;border:0;display:block"></iframe>
<script>
document.getElementById('f').onload = function () {
  this.contentDocument.getElementById('vendors').scrollIntoView();
};
</script></body></html>
EOF
rm -f "$art/case-ja-375x800-vendors.png"
browse --window-size=375,800 --allow-file-access-from-files \
    --virtual-time-budget=3000 \
    --screenshot="$art/case-ja-375x800-vendors.png" \
    "file://$tmp/tree/scrolled.html" >/dev/null
[ -s "$art/case-ja-375x800-vendors.png" ] ||
    { echo "FAIL: no vendor table screenshot" >&2; fail=1; }
shot "$case_dir/index.en.html" 375 800 case-en-375x800
shot "$case_dir/index.en.html" 1280 2200 case-en-1280x2200
shot "$case_dir/vendors/acme.html" 375 800 vendor-acme-375x800
shot "$case_dir/vendors/soylent.html" 1280 900 vendor-soylent-1280x900
shot "$site/index.html" 375 800 index-375x800

# The vendor table, row by row, as Chromium parsed it.
browse --window-size=375,800 --dump-dom "file://$case_dir/index.html" \
    >"$tmp/dom.html"
if ! grep -q '<table class="list vendors">' "$tmp/dom.html"; then
	echo "FAIL: no vendor table in the DOM" >&2
	fail=1
fi
rows=$(grep -o '<tr id="vendor-[a-z]*"' "$tmp/dom.html" | wc -l)
if [ "$rows" -ne 7 ]; then
	echo "FAIL: $rows vendor rows, want 7" >&2
	fail=1
fi
for v in acme globex initech umbrella hooli evil soylent; do
	grep -q "<tr id=\"vendor-$v\"" "$tmp/dom.html" ||
	    { echo "FAIL: no row for $v" >&2; fail=1; }
done
if grep -q '<script' "$tmp/dom.html"; then
	echo "FAIL: a script element made it into the DOM" >&2
	fail=1
fi

# Sideways overflow at phone and desktop widths: the wrapper frames the
# page at the given width and records its scroll width.
for width in 375 1280; do
	cat >"$tmp/tree/measure.html" <<EOF
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="site/cases/JVNVU12345678/index.html"
 style="width:${width}px;height:800px;border:0"></iframe>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument.documentElement;
  var t = this.contentDocument.querySelector('table.vendors');
  document.body.setAttribute('data-result', 'scroll=' + d.scrollWidth +
    ' client=' + d.clientWidth + ' table=' + Math.round(t.getBoundingClientRect().right));
};
</script></body></html>
EOF
	browse --window-size="$width,900" --allow-file-access-from-files \
	    --virtual-time-budget=5000 --dump-dom \
	    "file://$tmp/tree/measure.html" >"$tmp/measure.out"
	result=$(sed -n 's/.*data-result="\([^"]*\)".*/\1/p' "$tmp/measure.out")
	scroll=$(echo "$result" | sed -n 's/.*scroll=\([0-9]*\).*/\1/p')
	client=$(echo "$result" | sed -n 's/.*client=\([0-9]*\).*/\1/p')
	table=$(echo "$result" | sed -n 's/.*table=\([0-9]*\).*/\1/p')
	if [ -z "$scroll" ]; then
		echo "FAIL: could not measure at $width px" >&2
		fail=1
	elif [ "$scroll" -gt "$client" ] || [ "$table" -gt "$client" ]; then
		echo "FAIL: at $width px the page is $scroll px wide, the" \
		    "vendor table ends at $table px (viewport $client)" >&2
		fail=1
	else
		echo "ok: at $width px no overflow ($result)"
	fi
done

echo "screenshots: $art"
ls -1 "$art"/*.png
[ "$fail" -eq 0 ] && echo "PASS" || echo "FAIL"
exit "$fail"
