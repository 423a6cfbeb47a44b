#!/usr/bin/env bash
# TUI memory on a large register: drive koers the way a counsellor would
# (type phrases key by key, open a detail, filter by a one-letter prefix)
# in a tmux pane through ../shared/tools/tui-drive, sampling the koers
# process's peak resident set (VmHWM) from /proc every half second.
#
#   DB=/tmp/koers-bench/register-1000000.db bash bench/tui-mem.sh
#
# DB defaults to the database bench/run.sh leaves behind. Prints the peak
# RSS in MB (also written to $OUT/peak_mb). The screens are left in $OUT
# (default /tmp/koers-tui-mem) and checked: a session that did not go as
# scripted fails rather than report a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-/tmp/koers-bench/register-1000000.db}
OUT=${OUT:-/tmp/koers-tui-mem}
DRIVE=${DRIVE:-../shared/tools/tui-drive}
[[ -f $DB ]] || { echo "tui-mem: no database $DB (run bench/run.sh first)" >&2; exit 2; }
mkdir -p "$OUT"
go build -o "$OUT/koers" .
script="$OUT/script.txt"
cat > "$script" <<'STEPS'
wait koers
sleep 2
type data
sleep 1
type  ana
sleep 1
snap typed
key C-u
type zorg
sleep 1
type verple
sleep 1
key C-u
type energie
sleep 1
key Enter
sleep 1
snap detail
key Escape
key /
type  z
sleep 1
snap filtered
sleep 4
STEPS
"$DRIVE" -w 80 -h 24 -o "$OUT" -- "$OUT/koers" --db "$DB" < "$script" > "$OUT/drive.log" 2>&1 &
drive=$!
hwm=0
while kill -0 "$drive" 2>/dev/null; do
  if pid=$(pgrep -n -f "^$OUT/koers --db"); then # this run's koers, not another one on the machine
    h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n $h ]] && hwm=$h
  fi
  sleep 0.5
done
wait "$drive" || { echo "tui-mem: the drive failed (see $OUT/drive.log)" >&2; exit 1; }
# The session must have gone as scripted, or the figure measures less.
for want in "typed:> data ana" "detail:Learning outcomes" "filtered:> energie z"; do
  grep -q "${want#*:}" "$OUT/${want%%:*}.txt" || { echo "tui-mem: screen ${want%%:*} does not show \"${want#*:}\" (see $OUT)" >&2; exit 1; }
done
echo "$((hwm / 1024))" > "$OUT/peak_mb"
echo "TUI peak RSS: $((hwm / 1024)) MB ($DB)"
