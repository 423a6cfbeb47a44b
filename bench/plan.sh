#!/usr/bin/env bash
# The planner benchmark (issue 5).
#
#   bash bench/plan.sh              # 1,000,000 offers
#   N=100000 bash bench/plan.sh     # a smaller register
#
# It reuses the register that bench/run.sh built ($SRC, default $BENCH_DIR/register-$N.db)
# when there is one (do not run two 1M imports at once on a shared machine),
# else generates and imports one with `koers gen` and `koers import`. It
# works on a copy (the register's file stays as it was), loads ESCO v1.1.1
# EN from ../shared/data, builds the planner's index (`koers plan index`,
# timed), then runs the Go benchmarks:
#   BenchmarkSuggestRegister        suggest for "data analyst" (30 essential skills)
#   BenchmarkEditCheckTotals12Steps  move a step of a 12-step plan, reload, checks + totals
#   BenchmarkCheckAndTally12Steps    checks + totals alone (pure)
# and writes bench/results/plan.md. Everything big stays in $BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
SEED=${SEED:-1}
WORK=${BENCH_DIR:-/tmp/koers-bench}
ESCO=${ESCO:-../shared/data/esco/v1.1.1-en}
mkdir -p "$WORK/plan"
go build -o "$WORK/plan/koers" .
K="$WORK/plan/koers"
SRC=${SRC:-$WORK/register-$N.db}
DB="$WORK/plan/plan-$N.db"
uptime > "$WORK/plan/load.before"
if [[ -f "$SRC" ]]; then
  echo "== copy $SRC" >&2
  sqlite3 "$SRC" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null 2>&1 || true
  cp "$SRC" "$DB"
  rm -f "$DB-wal" "$DB-shm"
else
  echo "== gen + import $N offers (no $SRC)" >&2
  JSONL="$WORK/plan/register-$N-$SEED.jsonl"
  [[ -f "$JSONL" ]] || "$K" gen --offers "$N" --seed "$SEED" -o "$JSONL"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$K" --db "$DB" import --source gen "$JSONL" >/dev/null
fi
echo "== ESCO EN" >&2
"$K" --db "$DB" import --format esco "$ESCO"/*.zip >/dev/null
echo "== planner index" >&2
/usr/bin/time -f '%e %M' -o "$WORK/plan/index.time" "$K" --db "$DB" plan index 2>/dev/null
echo "== benchmarks" >&2
KOERS_PLAN_BENCH_DB="$DB" go test ./store -run XXX -bench 'SuggestRegister|EditCheckTotals12Steps' -benchtime 30x -count 1 -timeout 60m \
  | tee "$WORK/plan/store.bench" >&2
go test ./sessions -run XXX -bench CheckAndTally12Steps -count 1 | tee "$WORK/plan/sessions.bench" >&2
uptime > "$WORK/plan/load.after"

metric() { awk -v b="$1" -v m="$2" '$1 ~ b { for (i = 2; i < NF; i++) if ($(i+1) == m) print $i }' "$3" | head -1; }
idx=$(cut -d' ' -f1 "$WORK/plan/index.time")
idxmb=$(( $(cut -d' ' -f2 "$WORK/plan/index.time") / 1024 ))
mkdir -p bench/results
{
  echo "## Planner (issue 5)"
  echo
  echo "\`bash bench/plan.sh\` with N=$N offers (\`koers gen --seed $SEED\`) and ESCO v1.1.1 EN; $(nproc) cores;"
  echo "load before: $(sed 's/.*load/load/' "$WORK/plan/load.before"); after: $(sed 's/.*load/load/' "$WORK/plan/load.after")."
  echo
  echo "| measure | result | target |"
  echo "|---|---|---|"
  echo "| suggest, \"data analyst\" (30 essential skills), median | $(metric SuggestRegister median-ms "$WORK/plan/store.bench") ms | ≤ 200 ms |"
  echo "| suggest, p90 | $(metric SuggestRegister p90-ms "$WORK/plan/store.bench") ms | |"
  echo "| suggest, candidates fetched | $(metric SuggestRegister candidates "$WORK/plan/store.bench") | |"
  echo "| edit a 12-step plan in the store, reload, checks + totals, median | $(metric EditCheckTotals12Steps median-ms "$WORK/plan/store.bench") ms | ≤ 10 ms |"
  echo "| checks + totals alone (pure), 12 steps | $(awk '/CheckAndTally12Steps/ {print $3/1000 " µs"}' "$WORK/plan/sessions.bench") | |"
  echo "| planner index, first build after the import | ${idx} s, ${idxmb} MB peak | once per import |"
  echo
  echo "The candidate fetch reads only the planner's narrow tables (plan_offer_facts, plan_skill_offers:"
  echo "per missing skill the cheapest offers that pass the filters, in SQL), never the offers' wide rows"
  echo "or their compressed documents. The index is built once after an import (\`koers plan index\`, or"
  echo "the first suggest); later imports re-read only new or changed offers."
} > bench/results/plan.md
cat bench/results/plan.md
