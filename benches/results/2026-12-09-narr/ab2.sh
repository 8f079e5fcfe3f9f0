#!/bin/bash
# usage: ab2.sh ROUNDS INPUT bin1 bin2 ...   (each binary run with narratives, in turn, ROUNDS times)
# BIN_DIR holds athar-NAME binaries; OUT_DIR receives t2.NAME.ROUND (/usr/bin/time: user sys
# maxrss_kb) and e2.NAME.ROUND (the ATHAR_TIMINGS=1 notes: per stage and narrative step).
BIN_DIR=${BIN_DIR:-.}; OUT_DIR=${OUT_DIR:-.}
rounds=$1; input=$2; shift 2
for r in $(seq 1 $rounds); do
  for b in "$@"; do
    ATHAR_TIMINGS=1 /usr/bin/time -f "%U %S %M" -o "$OUT_DIR/t2.$b.$r" nice -n 5 "$BIN_DIR/athar-$b" report "$input" --format json -o /dev/null 2> "$OUT_DIR/e2.$b.$r"
  done
done
