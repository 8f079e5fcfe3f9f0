#!/bin/sh
# Two athar binaries over the same days, alternating day by day (issue 13):
# each adds day i to its own copy of its own base archive, then the other
# does, so both see the same load on a shared machine. The base archives
# and days are those of benches/archive-days.sh (run it once per binary
# first: WORKDIR/base.athar, WORKDIR/day_*.jsonl); each binary's base is
# built by itself, so it is in that binary's format.
#
# Usage: benches/archive-days-ab.sh A A_WORKDIR B B_WORKDIR [DAYS]
# Prints one line per day and binary (sign, write, process CPU seconds, as
# archive-days.sh), then each binary's totals.
set -eu
a=$1
a_dir=$2
b=$3
b_dir=$4
days=${5:-30}
for d in "$a_dir" "$b_dir"; do
    cp "$d/base.athar" "$d/days.athar"
    rm -f "$d/days.athar-wal" "$d/days.athar-shm"
done
# The copies' pages written out now, not by the first day's checkpoint.
sync
one() {
    ATHAR_TIMINGS=1 /usr/bin/time -f "process %U %S" "$2" index add "$3/days.athar" "$3/$4" -q --threads 1 2>&1 |
        awk -v who="$1" -v day="$4" '
            / timing sign / { sign = $7 }
            / timing write / { write = $7 }
            /^process/ { cpu = $2 + $3 }
            END { printf "%s %s sign %.3f write %.3f process %.2f\n", who, day, sign, write, cpu }'
}
i=0
for f in $(cd "$a_dir" && ls day_*.jsonl); do
    [ "$i" -lt "$days" ] || break
    one A "$a" "$a_dir" "$f"
    one B "$b" "$b_dir" "$f"
    i=$((i + 1))
done | awk '
    { print; sign[$1] += $4; write[$1] += $6; proc[$1] += $8; n[$1]++ }
    END {
        for (w in n) {
            printf "%s: %d days: sign %.2f CPU-s, write %.2f CPU-s, processes %.2f CPU-s; ", w, n[w], sign[w], write[w], proc[w]
            printf "write/sign %.2f, (sign+write)/sign %.2f\n", write[w] / sign[w], (sign[w] + write[w]) / sign[w]
        }
    }'
