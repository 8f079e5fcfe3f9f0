#!/bin/sh
# The archive's add cost averaged over days (issue 13): a base archive of
# BASE generated articles (built in batches of 100,000, seed 42), then DAYS
# days of 1,500 generated articles (seed 7, ids renamed `day…`) added one
# `athar index add` each, one thread, ATHAR_TIMINGS=1. Prints each day's
# sign and write CPU seconds (from the timing lines: signing the day on its
# own, then writing and merging the index, committing and checkpointing
# the WAL into the database file) and the process's CPU, then the
# totals: write/sign and (sign+write)/sign.
#
# Usage: benches/archive-days.sh ATHAR WORKDIR [BASE [DAYS]]
#   ATHAR   the athar binary (release build)
#   WORKDIR scratch folder (needs ~7 KB a base article of disk, twice)
#   BASE    base articles (default 1000000); DAYS days (default 30)
# The base archive WORKDIR/base.athar is kept and reused; the days are
# added to a copy (WORKDIR/days.athar), so runs of two binaries start alike.
set -eu
athar=$1
work=$2
base=${3:-1000000}
days=${4:-30}
mkdir -p "$work"
cd "$work"
if [ ! -f base.athar ]; then
    "$athar" gen --docs "$base" --seed 42 | split -l 100000 -d -a 3 --additional-suffix=.jsonl - base_
    for f in base_*.jsonl; do
        "$athar" index add base.athar "$f" -q
        rm "$f"
    done
fi
if [ ! -f day_00.jsonl ]; then
    "$athar" gen --docs $((days * 1500)) --seed 7 | sed 's/"id":"syn/"id":"day/' |
        split -l 1500 -d -a 2 --additional-suffix=.jsonl - day_
fi
cp base.athar days.athar
rm -f days.athar-wal days.athar-shm
# The copy's pages written out now, not by the first day's checkpoint.
sync
i=0
for f in day_*.jsonl; do
    [ "$i" -lt "$days" ] || break
    ATHAR_TIMINGS=1 /usr/bin/time -f "process %U %S" "$athar" index add days.athar "$f" -q --threads 1 2>&1 |
        awk -v day="$f" '
            / timing sign / { sign = $7 }
            / timing write / { write = $7 }
            /^process/ { cpu = $2 + $3 }
            END { printf "%s sign %.3f write %.3f process %.2f\n", day, sign, write, cpu }'
    i=$((i + 1))
done | awk '
    { print; sign += $3; write += $5; proc += $7; n++ }
    END {
        printf "days %d: sign %.2f CPU-s, write %.2f CPU-s, processes %.2f CPU-s\n", n, sign, write, proc
        printf "write/sign %.2f, (sign+write)/sign %.2f\n", write / sign, (sign + write) / sign
    }'
