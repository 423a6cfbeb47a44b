#!/usr/bin/env bash
# The report benchmark (issue 18): the full report (every section, one
# 12-month period, the whole population) over 100,000 generated people.
#
#   bash bench/report.sh            # RUNS=3 runs of the process, then the in-process benchmark
#
# Generates $BENCH_DIR/report/pop.db once (`koers gen --people 100000 --seed 1
# --as-of 2026-12-01`: about 940,000 ledger entries, 1.3 GB, 5 min here) and
# reuses it. Prints each run's wall and CPU time (user + sys, /usr/bin/time)
# with the load (uptime) before and after: on a shared machine the load
# decides the wall time, so compare CPU time. Then store.BenchmarkReport
# (3 reports in one process) with its CPU profile's top functions.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${BENCH_DIR:-/tmp/koers-bench}/report
RUNS=${RUNS:-3}
mkdir -p "$WORK"
go build -o "$WORK/koers" .
DB="$WORK/pop.db"
[[ -f "$DB" ]] || "$WORK/koers" gen --people 100000 --seed 1 --as-of 2026-12-01 -o "$DB"
uptime
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "run $i: %e s wall, %U s user + %S s sys, %M KB peak RSS" \
    "$WORK/koers" --db "$DB" report --from 2025-12-02 --to 2026-12-01 --format csv -o "$WORK/report.csv"
done
uptime
go test -c -o "$WORK/store.test" ./store
/usr/bin/time -f "benchmark process (3 reports): %e s wall, %U s user + %S s sys" env KOERS_REPORT_DB="$DB" \
  "$WORK/store.test" -test.run '^$' -test.bench BenchmarkReport -test.benchtime 3x -test.cpuprofile "$WORK/cpu.out"
uptime
go tool pprof -top -nodecount 25 "$WORK/store.test" "$WORK/cpu.out" 2>/dev/null | sed -n 1,35p
