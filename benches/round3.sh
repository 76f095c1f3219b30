#!/usr/bin/env bash
# The whole-process measurements of docs/performance.md ("Third round"): each contender in
# turn, ROUNDS rounds, the fastest run of each kept, ratios printed beside the times.
#
#   bash benches/round3.sh [ROUNDS]            # default 5; needs python3 for the small events
#   OLD=path/to/older/rulec bash benches/round3.sh   # also compares an older build: the
#                                                    # same decisions (cmp) and its times
#
# Corpora and catalogs go to ${WORK:-/tmp/rulec-round3}; the first run makes them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
WORK=${WORK:-/tmp/rulec-round3}
mkdir -p "$WORK"
cargo build --release --bin rulec --example parse_floor >/dev/null 2>&1
R=$PWD/target/release/rulec
FLOOR=$PWD/target/release/examples/parse_floor
RULES=$PWD/rules
cd "$WORK"

[ -s valid.ndjson ] || "$R" sample --rules "$RULES" --count 200000 --invalid-share 0 --seed 7 > valid.ndjson
[ -s mixed.ndjson ] || "$R" sample --rules "$RULES" --count 200000 --invalid-share 0.1 --seed 7 > mixed.ndjson
[ -s invalid.ndjson ] || "$R" sample --rules "$RULES" --count 50000 --invalid-share 1 --seed 7 > invalid.ndjson
[ -s valid50k.ndjson ] || head -50000 valid.ndjson > valid50k.ndjson
if [ ! -s small.ndjson ]; then
  # Small events: the valid ones without their optional bulk (about 1.07 KB), 320,000.
  python3 - <<'PY'
import json
with open('valid.ndjson', encoding='utf-8') as f, open('small.ndjson', 'w', encoding='utf-8') as out:
    lines = [line for _, line in zip(range(32000), f)]
    small = []
    for line in lines:
        e = json.loads(line)
        for k in ('requestData', 'responseData', 'correlationId', 'id', 'tags'):
            e.pop(k, None)
        i = e.get('initiator', {})
        for k in ('authnName', 'authnId'):
            i.pop(k, None)
        i.get('host', {}).pop('agent', None)
        t = e.get('target', {})
        for k in ('host', 'alias'):
            t.pop(k, None)
        small.append(json.dumps(e, separators=(',', ':'), ensure_ascii=False) + '\n')
    for _ in range(10):
        out.writelines(small)
PY
fi
# Synthetic catalogs of 10,000 and 100,000 actions (as benches/support/synthetic.rs makes them).
for n in 10000 100000; do
  if [ ! -s "syn$n.json" ]; then
    mkdir -p "syn$n"
    cp "$RULES/envelope.rules" "$RULES/locations.rules" "syn$n/"
    python3 - "$n" "syn$n" "$OLDPWD/benches/support/synthetic.rs" <<'PY'
import sys
n, d, src = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read()
start = src.index('const SHARED: &str = r#"') + len('const SHARED: &str = r#"')
open(d + '/shared.rules', 'w').write(src[start:src.index('"#;', start)])
verbs = [("create", "management"), ("read", "data"), ("update", "data"), ("delete", "management"), ("list", "management")]
out = []
for idx, first in enumerate(range(0, n, 200)):
    count = min(200, n - first)
    out.append(f'service syn{idx:05} "Synthetic service {idx}" {{')
    out.append('  collect management, data')
    out.append(f'  group objects "Objects of service {idx}" {{')
    for k in range(count):
        verb, kind = verbs[k % 5]
        out.append(f'    {kind} object{k // 5}.{verb} "{verb} object {k // 5}."')
    out.append('  }')
    for verb, _ in verbs[:count]:
        if verb == 'delete':
            out.append('  when action matches *.delete and outcome == "success" { use delete_fields }')
        elif verb != 'list':
            out.append(f'  fields *.{verb} {{ use {verb}_fields }}')
    out.append('}')
open(d + '/services.rules', 'w').write('\n'.join(out) + '\n')
PY
    "$R" compile "syn$n" -o "syn$n.json" 2>/dev/null
    "$R" sample --rules "syn$n.json" --count 1 --seed 1 > "event$n.json"
  fi
done

# Fastest wall time of `ROUNDS` runs of each named command, the commands taken in turn.
declare -A best
run() { # name command...
  local name=$1; shift
  local start end t
  start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N)
  t=$(( (end - start) / 1000 ))
  if [ -z "${best[$name]:-}" ] || [ "$t" -lt "${best[$name]}" ]; then best[$name]=$t; fi
}
busy() { while :; do :; done; }
for round in $(seq "$ROUNDS"); do
  run floor_valid sh -c "$FLOOR < valid.ndjson"
  run valid "$R" eval --rules "$RULES" valid.ndjson
  run mixed "$R" eval --rules "$RULES" mixed.ndjson
  run valid50k "$R" eval --rules "$RULES" --input ndjson valid50k.ndjson
  run invalid50k "$R" eval --rules "$RULES" --input ndjson invalid.ndjson
  run floor_small sh -c "$FLOOR < small.ndjson"
  run small "$R" eval --rules "$RULES" small.ndjson
  run jobs2 "$R" eval -j 2 --rules "$RULES" valid.ndjson
  busy & pid=$!
  run busy_jobs1 "$R" eval --rules "$RULES" valid.ndjson
  run busy_jobs2 "$R" eval -j 2 --rules "$RULES" valid.ndjson
  kill "$pid"; wait "$pid" 2>/dev/null || true
  run load10k "$R" eval --rules syn10000.json event10000.json
  run load100k "$R" eval --rules syn100000.json event100000.json
  run check100k "$R" check syn100000
  run compile100k "$R" compile syn100000 -o compiled100k.json
  if [ -n "${OLD:-}" ]; then
    run old_valid "$OLD" eval --rules "$RULES" valid.ndjson
    run old_mixed "$OLD" eval --rules "$RULES" mixed.ndjson
    run old_jobs2 "$OLD" eval -j 2 --rules "$RULES" valid.ndjson
  fi
done
ms() { awk -v t="$1" 'BEGIN { printf "%.1f ms", t / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "fastest of $ROUNDS rounds"
echo "valid 200k: rulec $(ms "${best[valid]}"), Value parse $(ms "${best[floor_valid]}"): $(ratio "${best[valid]}" "${best[floor_valid]}")"
echo "mixed 200k (10% invalid): $(ms "${best[mixed]}"): $(ratio "${best[mixed]}" "${best[valid]}") of valid"
echo "50k invalid / 50k valid: $(ms "${best[invalid50k]}") / $(ms "${best[valid50k]}"): $(ratio "${best[invalid50k]}" "${best[valid50k]}")"
echo "small 320k: rulec $(ms "${best[small]}"), Value parse $(ms "${best[floor_small]}"): $(ratio "${best[small]}" "${best[floor_small]}")"
echo "-j 2 / one thread, cores free: $(ms "${best[jobs2]}") / $(ms "${best[valid]}"): $(ratio "${best[valid]}" "${best[jobs2]}") speed-up"
echo "-j 2 / one thread, beside a busy loop: $(ms "${best[busy_jobs2]}") / $(ms "${best[busy_jobs1]}"): $(ratio "${best[busy_jobs1]}" "${best[busy_jobs2]}") speed-up"
echo "load the artifact and decide one event: 10k $(ms "${best[load10k]}"), 100k $(ms "${best[load100k]}"), peak $(peak "$R" eval --rules syn100000.json event100000.json) KB at 100k"
echo "100k actions: check $(ms "${best[check100k]}"), compile $(ms "${best[compile100k]}")"
if [ -n "${OLD:-}" ]; then
  echo "older build: valid $(ms "${best[old_valid]}"), mixed $(ms "${best[old_mixed]}"), -j 2 $(ms "${best[old_jobs2]}")"
  for f in valid mixed; do
    "$OLD" eval --rules "$RULES" $f.ndjson > $f.old 2>/dev/null
    "$R" eval --rules "$RULES" $f.ndjson > $f.new 2>/dev/null
    "$R" eval -j 2 --rules "$RULES" $f.ndjson > $f.j2 2>/dev/null
    cmp $f.old $f.new && cmp $f.old $f.j2 && echo "$f: the same decisions as the older build, one thread and -j 2"
  done
fi
