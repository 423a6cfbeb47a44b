#!/usr/bin/env bash
# The register benchmark: ONE reproducible command.
#
#   bash bench/run.sh            # 1,000,000 offers (about 10 minutes on 2 cores)
#   N=20000 bash bench/run.sh    # a small run (CI, a quick look)
#   REPORT_ONLY=1 bash bench/run.sh   # rewrite the reports from $BENCH_DIR's last run
#
# Generates a synthetic register with `koers gen` into $BENCH_DIR (default
# /tmp/koers-bench, never the repository), imports it through
# store.ImportOffers, replays phrases typed one key at a time (first page,
# then count + facets; unfiltered, filtered, selective), drives the TUI to
# measure its memory (bench/tui-mem.sh), times the plain
# exact-bm25 query through the C sqlite3 shell on the same file, and writes
# bench/results/register.md, then BENCHMARKS.md from bench/results/*.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
CRUNS=${CRUNS:-2}
WORK=${BENCH_DIR:-/tmp/koers-bench}
mkdir -p "$WORK"
command -v sqlite3 >/dev/null || { apt-get install -y -qq sqlite3 >/dev/null || echo "warning: no sqlite3 shell: C reference skipped"; }

JSONL="$WORK/register-$N-$SEED.jsonl"
DB="$WORK/register-$N.db"
if [[ -z ${REPORT_ONLY:-} ]]; then
echo "== build" >&2
go build -o "$WORK/koers" .
go build -o "$WORK/registerbench" ./bench/registerbench
uptime > "$WORK/load.before"

echo "== gen $N offers" >&2
/usr/bin/time -f '%e %M %U %S' -o "$WORK/gen.time" "$WORK/koers" gen --offers "$N" --seed "$SEED" -o "$JSONL"

echo "== import" >&2
rm -f "$DB" "$DB-wal" "$DB-shm"
/usr/bin/time -f '%e %M %U %S' -o "$WORK/import.time" "$WORK/registerbench" import -db "$DB" -in "$JSONL" > "$WORK/import.json"

echo "== search (as typed, $RUNS runs)" >&2
uptime > "$WORK/load.search.before"
"$WORK/registerbench" search -db "$DB" -runs "$RUNS" -o "$WORK/search.json"
uptime > "$WORK/load.search.after"
"$WORK/registerbench" search -db "$DB" -coldonly > "$WORK/cold.json"

echo "== TUI memory (bench/tui-mem.sh)" >&2
rm -f "$WORK/tui-mem.mb"
if command -v tmux >/dev/null && [[ -x ../shared/tools/tui-drive ]]; then
  DB="$DB" OUT="$WORK/tui-mem" bash bench/tui-mem.sh >&2 && cp "$WORK/tui-mem/peak_mb" "$WORK/tui-mem.mb"
else
  echo "warning: no tmux or ../shared/tools/tui-drive: TUI memory skipped" >&2
fi

echo "== C sqlite3 reference" >&2
: > "$WORK/sqlite3.times"
if command -v sqlite3 >/dev/null; then
  "$WORK/registerbench" queries -runs "$CRUNS" > "$WORK/queries.sql"
  sqlite3 "$DB" < "$WORK/queries.sql" | grep '^Run Time' > "$WORK/sqlite3.times" || true
  sqlite3 --version | cut -d' ' -f1 > "$WORK/sqlite3.version"
fi
echo "== import end to end (bench/import.sh, issue 3)" >&2
N="$N" SEED="$SEED" JSONL="$JSONL" BENCH_DIR="$WORK/import" bash bench/import.sh
uptime > "$WORK/load.after"
fi

echo "== report" >&2
mkdir -p bench/results
"$WORK/registerbench" report -work "$WORK" -db "$DB" -n "$N" -runs "$RUNS" -cruns "$CRUNS" > bench/results/register.md
if [[ -f $WORK/register-notes.md ]]; then cat "$WORK/register-notes.md" >> bench/results/register.md; fi

{
  echo "# Benchmarks"
  echo
  echo "Written by \`bash bench/run.sh\` (the one reproducible command); every area adds its"
  echo "figures as \`bench/results/AREA.md\`, joined here."
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p') × $(nproc) cores"
  echo "- Memory: $(free -g | awk '/^Mem:/ {print $2}') GB; $(go version | cut -d' ' -f3); $(uname -sr)"
  echo "- Load averages (1, 5, 15 min) on this machine, shared by six engineers: at the start $(sed 's/.*load average: //' "$WORK/load.before");"
  echo "  search replay from $(sed 's/.*load average: //' "$WORK/load.search.before") to $(sed 's/.*load average: //' "$WORK/load.search.after"); at the end $(sed 's/.*load average: //' "$WORK/load.after")"
  echo "- Command: \`N=$N SEED=$SEED RUNS=$RUNS bash bench/run.sh\`"
  echo
  for f in bench/results/*.md; do
    cat "$f"
    echo
  done
} > BENCHMARKS.md
echo "wrote bench/results/register.md and BENCHMARKS.md" >&2
