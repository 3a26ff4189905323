#!/usr/bin/env bash
# Checks ci/gpu-check.sh's own logic (options, stages, time limits, summary, result files) in seconds, without Java,
# a bundle or a GPU: a stub bundle whose "java" answers each stage with a canned result. It measures nothing and says
# nothing about Topiary's code; ci/gpu-check.sh --self-test with a real bundle checks that.
#
# usage: ci/gpu-check-plumbing.sh
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/gpu-check-plumbing.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/jre/bin" "$tmp/bundle/lib"
cat >"$tmp/jre/bin/java" <<'STUB'
#!/usr/bin/env bash
[ "$1" = -version ] && { echo "stub java"; exit 0; }
args=("$@"); cmd=""; out=""
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    bench|train|execute) [ -z "$cmd" ] && cmd=${args[$i]} ;;
    --out) out=${args[$((i + 1))]} ;;
  esac
done
echo "stub $cmd: ${args[*]}"
case "$cmd" in
  execute) echo "[ 3 tests successful ]"; echo "[ 0 tests failed ]" ;;
  bench)
    [ -n "${STUB_FAIL_BENCH:-}" ] && { echo "topiary bench: backend cuda is not available: stub"; exit 1; }
    cat >"$out" <<'JSON'
{"results": [{"benchmark": "dev.topiary.bench.Bench_40_TrainingThroughput.trainCall", "params": {"width": "1"},
  "msPerOp": 0.5},
 {"benchmark": "dev.topiary.bench.Bench_40_TrainingThroughput.encoderUpdate", "params": {"width": "1"},
  "msPerOp": 0.9}]}
JSON
    ;;
  train)
    mkdir -p "$out/agent"
    printf 'step,wall_time,mean,std\n1000,1.0,-1200.5,30.2\n5000,9.0,-180.25,20.5\n' >"$out/evals.csv"
    echo "step 5000/5000 (100.0%) | 500.0 steps/s | 480.5 updates/s | ETA 0s | done"
    [ -n "${STUB_SLOW_TRAIN:-}" ] && sleep 20
    echo "done: 5000 steps, last evaluation -180.3; curve c, logs l" ;;
esac
STUB
chmod +x "$tmp/jre/bin/java"
tar -C "$tmp" -cJf "$tmp/bundle/runtime.tar.xz" jre
touch "$tmp/bundle/lib/junit-platform-console-standalone-0.jar" "$tmp/bundle/lib/topiary-engine-0.jar"
echo "commit=stub" >"$tmp/bundle/BUNDLE.txt"

passed=0 failed=0
check() {  # check NAME CONDITION...: counts and reports one expectation
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
has() { grep -qF -- "$2" "$1"; }

# The training mode, every stage finishing.
bash ci/gpu-check.sh --training --bundle "$tmp/bundle" "$tmp/r1" >"$tmp/r1.log" 2>&1
rc=$?
check "training mode exits 0 when its stages finish" [ $rc = 0 ]
check "training mode: benchmark done" has "$tmp/r1/summary.txt" "DONE  training throughput"
check "training mode: Bench_40 rows read" has "$tmp/r1/summary.txt" "Topiary trainCall width=1: 0.500 ms/op"
check "training mode: run's last evaluation" has "$tmp/r1/summary.txt" "last evaluation step 5000: mean return -180.2"
check "training mode: run dir packed without its agent" \
  bash -c "tar tzf '$tmp/r1/train-run.tar.gz' | grep -q evals.csv && ! tar tzf '$tmp/r1/train-run.tar.gz' | grep -q agent"
check "training mode: at most 8 result files" [ "$(find "$tmp/r1" -type f | wc -l)" -le 8 ]

# The training mode with a failing benchmark and a run stopped at its limit.
STUB_FAIL_BENCH=1 STUB_SLOW_TRAIN=1 TOPIARY_TRAINING_RUN_LIMIT=2 \
  bash ci/gpu-check.sh --training --bundle "$tmp/bundle" "$tmp/r2" >"$tmp/r2.log" 2>&1
rc=$?
check "training mode exits 1 on a failed stage" [ $rc = 1 ]
check "training mode: failed benchmark reported" has "$tmp/r2/summary.txt" "FAIL  training throughput (exit 1): topiary bench"
check "training mode: run at its limit reported" has "$tmp/r2/summary.txt" "PART  training run stopped at the 2s limit"

# The default mode's self-test still runs its steps, and the options stay checked.
bash ci/gpu-check.sh --self-test --bundle "$tmp/bundle" "$tmp/r3" >"$tmp/r3.log" 2>&1
rc=$?
check "self-test exits 0" [ $rc = 0 ]
check "self-test: parity step" has "$tmp/r3/summary.txt" "PASS  parity (cpu): 3 passed, 0 failed"
check "self-test: training step" has "$tmp/r3/summary.txt" "training --quick"
STUB_FAIL_BENCH=1 bash ci/gpu-check.sh --training --self-test --bundle "$tmp/bundle" "$tmp/r5" >"$tmp/r5.log" 2>&1
check "training self-test exits 0 although its GPU stages fail" [ $? = 0 ]
bash ci/gpu-check.sh --training --full --bundle "$tmp/bundle" "$tmp/r4" >/dev/null 2>&1
check "--full with --training is refused" [ $? = 2 ]
check "--help names the training mode" bash -c "bash ci/gpu-check.sh --help | grep -q -- '--training'"

echo "gpu-check plumbing: $passed passed, $failed failed"
[ $failed = 0 ]
