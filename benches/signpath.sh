#!/bin/sh
# The sign path beside the floor (issue 14, item 4): `athar dedup --threads 1`
# on a JSON Lines file, side by side with `floor norm-hash-tok` (built from
# the shared bench folder, see its README) in the same rounds, alternating.
# Prints, per round, the CPU seconds (user + system, /usr/bin/time) and peak
# memory (MB) of the floor and of each athar binary, then the medians and
# each binary's ratio to the floor (median of the per-round ratios).
#
# Usage: benches/signpath.sh FLOOR FILE ROUNDS ATHAR...
#   FLOOR  the floor binary; FILE e.g. `athar gen --docs 100000 --seed 42`
#   ROUNDS rounds (each runs the floor once and every ATHAR once)
set -eu
floor=$1
file=$2
rounds=$3
shift 3
cpu() {
    /usr/bin/time -f "%U %S %M" "$@" 2>&1 >/dev/null | tail -1 |
        awk '{printf "%.2f %d", $1 + $2, $3 / 1024}'
}
out=$(mktemp)
r=1
while [ "$r" -le "$rounds" ]; do
    line="round $r: floor $(cpu nice -n 5 "$floor" norm-hash-tok "$file" 1)"
    for b in "$@"; do
        line="$line | $(basename "$b") $(cpu nice -n 5 "$b" dedup --threads 1 "$file" -q -o /dev/null)"
    done
    echo "$line" | tee -a "$out"
    r=$((r + 1))
done
awk -F' [|] ' '
function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    split($1, f, " "); fl[NR] = f[4]
    for (k = 2; k <= NF; k++) { split($k, x, " "); name[k] = x[1]; v[k, NR] = x[2]; q[k, NR] = x[2] / f[4] }
    cols = NF
}
END {
    for (i = 1; i <= NR; i++) a[i] = fl[i]
    printf "median floor %.2f CPU-s\n", median(a, NR)
    for (k = 2; k <= cols; k++) {
        for (i = 1; i <= NR; i++) { a[i] = v[k, i]; b[i] = q[k, i] }
        printf "median %s %.2f CPU-s, ratio to the floor %.3f\n", name[k], median(a, NR), median(b, NR)
    }
}' "$out"
rm -f "$out"
