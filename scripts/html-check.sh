#!/usr/bin/env bash
# Renders an athar HTML report with headless Chromium: takes a screenshot and
# checks, on the DOM after scripts ran, that the page is right-to-left, that
# passages are highlighted with numbered tags whose targets exist, and that
# nothing is fetched from the network. A development aid, not part of CI.
#
# Usage: scripts/html-check.sh REPORT.html [SCREENSHOT.png] [WIDTHxHEIGHT] [ANCHOR]
#   default screenshot: REPORT.png next to the report; default size 1400x1000;
#   ANCHOR (e.g. view-1) screenshots only the section holding that element
#   (headless screenshots ignore scrolling), keeping the page's styles.
# Needs the `chromium` Debian package (apt-get install -y chromium).
# A report to try: `cargo test --test it report::fixture` writes
# target/tmp/fixture-report.html.
set -euo pipefail

html=${1:?usage: $0 REPORT.html [SCREENSHOT.png] [WIDTHxHEIGHT]}
png=${2:-${html%.html}.png}
size=${3:-1400x1000}
anchor=${4:-}
[[ -f $html ]] || { echo "html-check: no such file: $html" >&2; exit 2; }
chrome=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chrome ]] || { echo "html-check: chromium not found (apt-get install -y chromium)" >&2; exit 2; }

profile=$(mktemp -d)
dom=$(mktemp)
trap 'rm -rf "$profile" "$dom"' EXIT
url="file://$(realpath "$html")"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --hide-scrollbars --user-data-dir="$profile")

shot_url=$url
if [[ -n $anchor ]]; then
    # A copy next to the original that hides everything but the anchor's
    # section (and, in the side-by-side section, the other views).
    focus=$(mktemp -p "$(dirname "$(realpath "$html")")" .html-check.XXXXXX.html)
    trap 'rm -rf "$profile" "$dom" "$focus"' EXIT
    hide="<style>main>section:not(:has(#$anchor)),article.view:not(:has(#$anchor)):not(#$anchor),ol.view-index{display:none!important}</style>"
    sed "s|</head>|$hide</head>|" "$html" >"$focus"
    shot_url="file://$focus"
fi
"$chrome" "${flags[@]}" --window-size="${size/x/,}" --screenshot="$png" "$shot_url" >/dev/null 2>&1
"$chrome" "${flags[@]}" --dump-dom "$url" >"$dom" 2>/dev/null

fail=0
check() { # check NAME COMMAND...
    if "${@:2}"; then echo "ok    $1"; else echo "FAIL  $1"; fail=1; fi
}
count() { grep -o -- "$1" "$dom" | wc -l; }

tags=$(count '<a class="tag ')
marks=$(count '<mark class="hl ')
check "screenshot written ($png)" test -s "$png"
check "page is right-to-left Arabic" grep -q '<html lang="ar" dir="rtl"' "$dom"
check "highlights present ($marks pieces, $tags passage tags)" test "$marks" -gt 0 -a "$tags" -gt 0
check "every passage side has a partner" test $((tags % 2)) -eq 0
missing=0
for t in $(grep -o '<a class="tag [^>]*>' "$dom" | grep -o 'data-target="[^"]*"' | cut -d'"' -f2); do
    grep -q "id=\"$t\"" "$dom" || { echo "      missing target: $t"; missing=$((missing + 1)); }
done
check "every tag's data-target exists" test "$missing" -eq 0
check "no network references" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$dom'"
echo "$(realpath "$png")"
exit $fail
