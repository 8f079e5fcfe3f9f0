#!/bin/bash
# usage: ab.sh ROUNDS INPUT OUT.tsv bin1 bin2 ...   (each binary run with --no-narratives and with)
# BIN_DIR holds athar-NAME binaries; TMPDIR_AB a scratch folder.
BIN_DIR=${BIN_DIR:-.}; TMPDIR_AB=${TMPDIR_AB:-/tmp}
# columns: round binary mode cpu_s(user+sys) maxrss_kb narrative_cpu_s spanmap_cpu_s
# narrative_cpu_s: the stage lines "timing narrative read" (the reading, before the span map,
# from this branch on) + "timing narratives" (ATHAR_TIMINGS=1).
rounds=$1; input=$2; out=$3; shift 3
for r in $(seq 1 $rounds); do
  for b in "$@"; do
    for mode in no with; do
      flag=""; [ $mode = no ] && flag="--no-narratives"
      ATHAR_TIMINGS=1 /usr/bin/time -f "%U %S %M" -o "$TMPDIR_AB"/t.$$ nice -n 5 "$BIN_DIR/athar-$b" report "$input" --format json -o /dev/null $flag 2>"$TMPDIR_AB"/e.$$
      read u s m < "$TMPDIR_AB"/t.$$
      ns=$(grep -E "timing (narratives|narrative read)" "$TMPDIR_AB"/e.$$ | awk '{s += $(NF-9)} END {print s + 0}')
      sm=$(grep "timing spanmap" "$TMPDIR_AB"/e.$$ | awk '{print $(NF-9)}')
      echo -e "$r\t$b\t$mode\t$(echo "$u + $s" | bc)\t$m\t$ns\t$sm" >> $out
    done
  done
done
