#!/usr/bin/env bash
# Topiary's GPU check, for a GPU machine with no Java, no Maven and no network (see ../shared/docs/gpu.md). Runs
# from the repository root with the bundle that ci/gpu-bundle.sh made on a development machine:
#   1. the machine: nvidia-smi (card, driver, clocks), uname, the bundle's commit and kernel image;
#   2. the parity suite (every kernel against the float64 reference, awkward sizes, fresh random inputs) on the
#      CUDA backend alone, at two block sizes, through the JUnit console launcher;
#   3. the same suite at small sizes under compute-sanitizer memcheck and racecheck, when the tool is there;
#   4. the GPU benchmarks (topiary bench --backend cuda): --quick is width 4096, densities 0.1, 0.4, 1.0, one fork;
#      cuBLAS/cuSPARSE baselines in the same run when their libraries load, and the same through PyTorch;
#   5. a short MR.Q training run on the GPU (updates/s);
#   6. a summary table, printed last and kept in summary.txt.
# Default run: under 10 minutes (each step has a time limit, together 585 s; a step stopped at its limit is reported
# INCOMPLETE, never PASS). --full: the whole benchmark grid (an hour or more) and longer sanitizer limits.
# --training, instead of steps 2 to 6 (also under 10 minutes, limits together 550 s):
#   T1. Topiary's training-throughput benchmark on the GPU (topiary bench --backend cuda --include Bench_40);
#   T2. the same MR.Q update shapes in PyTorch, eager and torch.compile(mode="reduce-overhead"), TF32 off, on the
#       same card in the same run (ci/gpu_mrq_torch.py), when python3 has torch;
#   T3. a short real training run on the GPU: MR.Q with MST on Pendulum-v1, width x1, 5,000 steps (1,000 warm-up);
#   T4. a summary: Topiary's updates/s against PyTorch's, the ratios, and the run's last evaluation.
#
# usage: ci/gpu-check.sh [--full | --training] [--bundle DIR] [--self-test] [RESULTS_DIR]
#   RESULTS_DIR  default $OUT, else gpu-results/. At most 8 files go there: summary.txt, env.txt, parity.log,
#                sanitizer.log, bench.txt, bench.json, train.log, reports.tar.gz (JUnit XML, full sanitizer logs);
#                with --training: summary.txt, env.txt, training-throughput.json and .txt (the benchmark and its log),
#                torch-mrq.json and .txt, train.log, train-run.tar.gz (the run directory's config, metrics, evals,
#                compute and curve; not its checkpoints or final agent, which are too big to bring back).
#   --self-test  for a machine without a GPU: the parity suite on the CPU backend (a few classes), to check that the
#                bundle and this script work; it measures nothing and the GPU steps report why they did not run.
#                With --training it checks the training mode's plumbing the same way (the GPU stages fail fast).
#   Time limits (seconds; the environment overrides them): TOPIARY_PARITY_LIMIT, TOPIARY_SANITIZER_LIMIT,
#   TOPIARY_BENCH_LIMIT, TOPIARY_TORCH_LIMIT, TOPIARY_TRAIN_LIMIT; with --training TOPIARY_TRAINING_BENCH_LIMIT (230),
#   TOPIARY_TRAINING_TORCH_LIMIT (170), TOPIARY_TRAINING_RUN_LIMIT (150). The training mode's run: TOPIARY_TRAINING_ENV
#   (Pendulum-v1; humanoid-run needs MuJoCo), TOPIARY_TRAINING_STEPS (5000), TOPIARY_TRAINING_WARMUP (1000),
#   TOPIARY_TRAINING_WIDTH (1); PyTorch's widths: TOPIARY_TORCH_WIDTHS (1; e.g. 1,8, which takes longer).
# Exit status: 0 when the parity suite passed and the sanitizers found nothing; 1 otherwise. With --training: 0 when
# the benchmark and the training run finished and PyTorch's checks (finite losses, the right modules moved) held;
# with --training --self-test, 0 once every stage has run (the GPU stages fail there, and the summary says why).
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

full=0
training=0
self_test=0
bundle=gpu-bundle
res=""
while [ $# -gt 0 ]; do
  case "$1" in
    --full) full=1 ;;
    --training) training=1 ;;
    --self-test) self_test=1 ;;
    --bundle) bundle=${2:?--bundle needs a folder}; shift ;;
    -h|--help) sed -n '2,/^set -uo pipefail$/p' "$0" | sed '$d'; exit 0 ;;
    -*) echo "gpu-check: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) res=$1 ;;
  esac
  shift
done
[ $full = 1 ] && [ $training = 1 ] && { echo "gpu-check: --full and --training are separate modes" >&2; exit 2; }
res=${res:-${OUT:-gpu-results}}
mkdir -p "$res"
res=$(cd "$res" && pwd)
[ -f "$bundle/runtime.tar.xz" ] && [ -d "$bundle/lib" ] \
  || { echo "gpu-check: no bundle in $bundle/: run ci/gpu-bundle.sh on a development machine first" >&2; exit 2; }
bundle=$(cd "$bundle" && pwd)
work=$(mktemp -d /tmp/topiary-gpu.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/reports"

# Time limits in seconds (environment overrides); by default they add up to under 10 minutes.
san_limit=${TOPIARY_SANITIZER_LIMIT:-$([ $full = 1 ] && echo 1200 || echo 80)}
parity_limit=${TOPIARY_PARITY_LIMIT:-140}
bench_limit=${TOPIARY_BENCH_LIMIT:-$([ $full = 1 ] && echo 14400 || echo 200)}
torch_limit=${TOPIARY_TORCH_LIMIT:-$([ $full = 1 ] && echo 600 || echo 45)}
train_limit=${TOPIARY_TRAIN_LIMIT:-40}

summary=()
note() { summary+=("$1"); }
say() { echo "== $*"; }

# --- 1. the machine ---------------------------------------------------------------------------------------------
say "the machine"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "uname: $(uname -a)"
  echo "cpus: $(nproc)"
  echo; echo "--- bundle ($bundle/BUNDLE.txt)"; cat "$bundle/BUNDLE.txt" 2>/dev/null
  echo; echo "--- nvidia-smi"; nvidia-smi 2>&1
  echo; echo "--- nvidia-smi -q -d CLOCK"; nvidia-smi -q -d CLOCK 2>&1
  echo; echo "--- nvcc"; (nvcc --version || /usr/local/cuda/bin/nvcc --version) 2>&1
  echo; echo "--- compute-sanitizer"; (compute-sanitizer --version || /usr/local/cuda/bin/compute-sanitizer --version) 2>&1
} >"$res/env.txt"
card=$(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>/dev/null | head -1)
note "card, driver, memory, cc: ${card:-no nvidia-smi answer (no GPU driver?)}"
note "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); bundle $(grep -m1 '^commit=' "$bundle/BUNDLE.txt" | cut -d= -f2-)"
note "kernels: CUDA $(grep -m1 '^kernels.toolkit=' "$bundle/BUNDLE.txt" | cut -d= -f2), image $(grep -m1 '^kernels.image_sha256=' "$bundle/BUNDLE.txt" | cut -d= -f2)"

# --- the runtime and class path ---------------------------------------------------------------------------------
if command -v xz >/dev/null 2>&1; then
  tar -C "$work" -xJf "$bundle/runtime.tar.xz"
else
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$bundle/runtime.tar.xz" "$work"
fi
JAVA=$work/jre/bin/java
"$JAVA" -version >>"$res/env.txt" 2>&1 || { echo "gpu-check: the bundled Java runtime does not start" >&2; exit 1; }
launcher=$(ls "$bundle"/lib/junit-platform-console-standalone-*.jar)
cp=$(ls "$bundle"/lib/*.jar | grep -v junit-platform-console-standalone | paste -sd: -)
flags=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$work/tmp")
# cuBLAS/cuSPARSE for the baselines, wherever CUDA keeps them.
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
# MuJoCo from the bundle where the machine has none: its libraries by file, the humanoid by folder.
if [ -d "$bundle/mujoco/lib" ] && ! ldconfig -p 2>/dev/null | grep -q 'libmujoco\.so\.2\.2\.2 '; then
  export LD_LIBRARY_PATH="$bundle/mujoco/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export TOPIARY_MUJOCO_LIB="$bundle/mujoco/lib/libmujoco.so.2.2.2" TOPIARY_MUJOCO_MODELS="$bundle/mujoco/model"
  note "mujoco: the bundle's libmujoco.so.2.2.2 (the machine has none)"
fi

# --- --training: T1 to T4 instead of steps 2 to 6 ---------------------------------------------------------------
if [ $training = 1 ]; then
  # Time limits in seconds (environment overrides); with the kill grace they stay under 10 minutes in all.
  tbench_limit=${TOPIARY_TRAINING_BENCH_LIMIT:-230}
  ttorch_limit=${TOPIARY_TRAINING_TORCH_LIMIT:-170}
  trun_limit=${TOPIARY_TRAINING_RUN_LIMIT:-150}
  tenv=${TOPIARY_TRAINING_ENV:-Pendulum-v1}
  tsteps=${TOPIARY_TRAINING_STEPS:-5000}
  twarm=${TOPIARY_TRAINING_WARMUP:-1000}
  twidth=${TOPIARY_TRAINING_WIDTH:-1}
  twidths=${TOPIARY_TORCH_WIDTHS:-1}
  status=0

  # --- T1. Topiary's training throughput ------------------------------------------------------------------------
  say "training throughput: topiary bench --backend cuda --include Bench_40 (limit ${tbench_limit}s)"
  t0=$(date +%s)
  timeout --kill-after=10 "$tbench_limit" "$JAVA" "${flags[@]}" -cp "$cp" dev.topiary.cli.Main bench --backend cuda \
    --include Bench_40 --out "$res/training-throughput.json" >"$res/training-throughput.txt" 2>&1
  rc=$?
  case $rc in
    0) if [ -s "$res/training-throughput.json" ]; then
         note "DONE  training throughput (Bench_40) in $(( $(date +%s) - t0 )) s: training-throughput.json"
       else
         note "FAIL  training throughput: no training-throughput.json (see training-throughput.txt)"; status=1
       fi ;;
    124|137) note "INCOMPLETE  training throughput: stopped at the ${tbench_limit}s limit"; status=1 ;;
    *) note "FAIL  training throughput (exit $rc): $(grep -m1 -E 'topiary bench:|Exception' "$res/training-throughput.txt" | cut -c1-300)"
       status=1 ;;
  esac

  # --- T2. the same update in PyTorch, eager and compiled ---------------------------------------------------------
  : >"$res/torch-mrq.txt"
  if ! command -v python3 >/dev/null 2>&1; then
    note "SKIP  PyTorch MR.Q: no python3 on this machine"
  else
    say "MR.Q's update in PyTorch, eager and torch.compile reduce-overhead, widths $twidths (limit ${ttorch_limit}s)"
    t0=$(date +%s)
    PYTHONUNBUFFERED=1 timeout --kill-after=10 "$ttorch_limit" python3 ci/gpu_mrq_torch.py --widths "$twidths" \
      "$res/torch-mrq.json" >"$res/torch-mrq.txt" 2>&1
    rc=$?
    if grep -q '^torch MR.Q: not available' "$res/torch-mrq.txt"; then
      note "SKIP  PyTorch MR.Q: $(grep -m1 '^torch MR.Q: not available' "$res/torch-mrq.txt" | cut -d: -f2- | cut -c2-300)"
    else
      case $rc in
        0) note "DONE  PyTorch MR.Q in $(( $(date +%s) - t0 )) s: torch-mrq.json" ;;
        124|137) note "INCOMPLETE  PyTorch MR.Q: stopped at the ${ttorch_limit}s limit (torch-mrq.json keeps the rows it finished)" ;;
        1) note "FAIL  PyTorch MR.Q: a check failed (non-finite loss, wrong modules moved or counts; torch-mrq.txt)"; status=1 ;;
        *) note "FAIL  PyTorch MR.Q (exit $rc): $(grep -v '^ *$' "$res/torch-mrq.txt" | tail -1 | cut -c1-300)" ;;
      esac
    fi
  fi

  # --- T3. a short real training run ------------------------------------------------------------------------------
  say "training: MR.Q with MST on $tenv, width x$twidth, $tsteps steps ($twarm warm-up), --backend cuda (limit ${trun_limit}s)"
  t0=$(date +%s)
  (cd "$work" && timeout --kill-after=10 "$trun_limit" "$JAVA" "${flags[@]}" -cp "$cp" dev.topiary.cli.Main train \
    --backend cuda --env "$tenv" --steps "$tsteps" --warmup "$twarm" --width "$twidth" --eval-interval 1000 \
    --eval-episodes 5 --log-interval 500 --checkpoint-interval 0 --out "$work/train-run") >"$res/train.log" 2>&1
  rc=$?
  speed=$(grep -Eo '[0-9.]+ updates/s' "$res/train.log" | tail -1)
  last_eval=$(tail -n +2 "$work/train-run/evals.csv" 2>/dev/null | tail -1 \
                | awk -F, 'NF > 3 {printf "step %s: mean return %.1f (std %.1f)", $1, $3, $4}')
  run_line="$tenv x$twidth, last evaluation ${last_eval:-none}, last ${speed:-? updates/s}"
  case $rc in
    0) note "DONE  training run in $(( $(date +%s) - t0 )) s: $run_line" ;;
    124|137) note "PART  training run stopped at the ${trun_limit}s limit: $run_line"; status=1 ;;
    *) note "FAIL  training run (exit $rc): $(grep -m1 -E 'topiary|Exception' "$res/train.log" | cut -c1-300)"; status=1 ;;
  esac
  # The run directory's small files; its checkpoints and final agent (replay included) are too big to bring back.
  if [ -d "$work/train-run" ]; then
    tar -C "$work" -czf "$res/train-run.tar.gz" --exclude=train-run/agent --exclude=train-run/checkpoints train-run
  fi

  # --- T4. the results --------------------------------------------------------------------------------------------
  {
    echo "Topiary GPU check, training mode$([ $self_test = 1 ] && echo ' (SELF-TEST: no GPU code ran; nothing here is a GPU result)')"
    printf '%s\n' "${summary[@]}"
    sed -n '/^== GPU targets/,/^$/p' "$res/training-throughput.txt" 2>/dev/null
    echo "--- updates/s: Topiary (training-throughput.json) against PyTorch (torch-mrq.json), same card, same run"
    if command -v python3 >/dev/null 2>&1; then
      python3 ci/gpu_mrq_torch.py --summary "$res/torch-mrq.json" "$res/training-throughput.json" 2>&1
    else
      echo "no python3: compare training-throughput.json with torch-mrq.json by hand"
    fi
    echo "--- the training run: ${last_eval:+last evaluation $last_eval; }$(grep -m1 '^done:' "$res/train.log" || echo 'did not finish')"
    echo "total $(( $(date +%s) - start )) s; results in $res"
  } >"$res/summary.txt"
  echo
  cat "$res/summary.txt"
  [ $self_test = 1 ] && status=0  # no GPU: the stages were expected to fail; the plumbing ran
  exit $status
fi

if [ $self_test = 1 ]; then
  backends=cpu
  selection=(--select-class dev.topiary.backend.OptimParityTest --select-class dev.topiary.backend.TopologyParityTest
             --select-class dev.topiary.backend.cuda.CudaBackendTest)
else
  backends=cuda
  selection=(--select-package dev.topiary.backend --include-tag emu --include-tag gpu
             --exclude-classname '.*KernelInventoryTest')
fi

# The command that runs the selected tests in one JVM, into the array cmd: $1 = report folder, then JVM options.
junit_cmd() {
  local name=$1; shift
  cmd=("$JAVA" "${flags[@]}" -Dtopiary.parity.backends=$backends "$@" -jar "$launcher" execute
       --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests --exclude-engine junit-vintage --class-path "$cp" "${selection[@]}"
       --reports-dir "$work/reports/$name")
}

# Pulls the console launcher's counts out of its log: "N ok, N failed, N aborted, N skipped".
counts() {
  local f=$1 ok failed aborted skipped
  ok=$(grep -Eo '[0-9]+ tests successful' "$f" | tail -1 | cut -d' ' -f1)
  failed=$(grep -Eo '[0-9]+ tests failed' "$f" | tail -1 | cut -d' ' -f1)
  aborted=$(grep -Eo '[0-9]+ tests aborted' "$f" | tail -1 | cut -d' ' -f1)
  skipped=$(grep -Eo '[0-9]+ tests skipped' "$f" | tail -1 | cut -d' ' -f1)
  echo "${ok:-?} passed, ${failed:-?} failed, ${aborted:-?} aborted, ${skipped:-?} skipped"
}

status=0

# --- 2. the parity suite on CUDA --------------------------------------------------------------------------------
say "parity suite on the $backends backend (limit ${parity_limit}s)"
t0=$(date +%s)
junit_cmd parity
timeout --kill-after=10 "$parity_limit" "${cmd[@]}" >"$res/parity.log" 2>&1
rc=$?
line="parity ($backends$([ $backends = cuda ] && echo ', block sizes 64 and 256')): $(counts "$res/parity.log") in $(( $(date +%s) - t0 )) s"
case $rc in
  0) note "PASS  $line" ;;
  124|137) note "FAIL  $line: stopped at the ${parity_limit}s limit"; status=1 ;;
  *) note "FAIL  $line (exit $rc; see parity.log)"; status=1 ;;
esac
tail -n 30 "$res/parity.log"

# --- 3. compute-sanitizer ---------------------------------------------------------------------------------------
sanitizer=$(command -v compute-sanitizer || { [ -x /usr/local/cuda/bin/compute-sanitizer ] && echo /usr/local/cuda/bin/compute-sanitizer; } || true)
: >"$res/sanitizer.log"
if [ $self_test = 1 ]; then
  note "SKIP  compute-sanitizer: --self-test runs no GPU code"
elif [ -z "$sanitizer" ]; then
  note "SKIP  compute-sanitizer is not on this machine: memcheck and racecheck were not run"
  echo "compute-sanitizer not found (PATH, /usr/local/cuda/bin): memcheck and racecheck not run" >>"$res/sanitizer.log"
else
  for tool in memcheck racecheck; do
    say "parity suite at small sizes under compute-sanitizer --tool $tool (limit ${san_limit}s)"
    t0=$(date +%s)
    junit_cmd "$tool" -Dtopiary.parity.small=true
    timeout --kill-after=10 "$san_limit" "$sanitizer" --tool "$tool" --error-exitcode 86 --print-limit 100 \
      --log-file "$work/reports/$tool-sanitizer.log" "${cmd[@]}" >"$work/reports/$tool-junit.log" 2>&1
    rc=$?
    verdict=$(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$work/reports/$tool-sanitizer.log" 2>/dev/null | tail -1 | sed 's/^=* *//')
    {
      echo "=== $tool: exit $rc, $(( $(date +%s) - t0 )) s: ${verdict:-no summary line}"
      grep -v '^========= *$' "$work/reports/$tool-sanitizer.log" 2>/dev/null | head -n 200
      echo "--- tests under $tool: $(counts "$work/reports/$tool-junit.log")"
    } >>"$res/sanitizer.log"
    line="$tool (small sizes): ${verdict:-no summary} ; tests $(counts "$work/reports/$tool-junit.log") in $(( $(date +%s) - t0 )) s"
    case $rc in
      0) note "PASS  $line" ;;
      124|137) note "INCOMPLETE  $line: stopped at the ${san_limit}s limit (raise TOPIARY_SANITIZER_LIMIT)"; status=1 ;;
      86) note "FAIL  $line: the sanitizer reported errors (sanitizer.log)"; status=1 ;;
      *) note "FAIL  $line (exit $rc: failing tests under the sanitizer; sanitizer.log, reports.tar.gz)"; status=1 ;;
    esac
  done
fi

# --- 4. the GPU benchmarks --------------------------------------------------------------------------------------
preset=$([ $full = 1 ] && echo --full || echo --quick)
say "benchmarks: topiary bench --backend cuda $preset (limit ${bench_limit}s)"
t0=$(date +%s)
timeout --kill-after=10 "$bench_limit" "$JAVA" "${flags[@]}" -cp "$cp" dev.topiary.cli.Main bench --backend cuda \
  "$preset" --out "$res/bench.json" >"$res/bench.txt" 2>&1
rc=$?
case $rc in
  0) note "DONE  benchmarks $preset in $(( $(date +%s) - t0 )) s: bench.txt, bench.json" ;;
  124|137) note "INCOMPLETE  benchmarks: stopped at the ${bench_limit}s limit" ;;
  *) note "FAIL  benchmarks (exit $rc): $(grep -m1 'topiary bench:' "$res/bench.txt" | cut -c1-300)" ;;
esac
while read -r l; do note "      $l"; done < <(grep -m1 'topiary bench: backend' "$res/bench.txt" | cut -c1-400)

# The same ceilings through PyTorch, on the same card in the same run (reports/torch-baselines.json).
if [ $self_test = 0 ] && command -v python3 >/dev/null 2>&1; then
  say "vendor baselines through PyTorch (limit ${torch_limit}s)"
  echo >>"$res/bench.txt"
  PYTHONUNBUFFERED=1 timeout --kill-after=10 "$torch_limit" python3 ci/gpu_torch_baselines.py $([ $full = 1 ] && echo --full) \
    "$work/reports/torch-baselines.json" >>"$res/bench.txt" 2>&1 \
    || note "FAIL  PyTorch baselines (exit $?; the end of bench.txt says why)"
  while read -r l; do note "      $l"; done < <(grep -m1 '^torch baselines: not available' "$res/bench.txt")
fi

# --- 5. a short training run ------------------------------------------------------------------------------------
say "training: MR.Q with MST on Pendulum-v1, --backend cuda (limit ${train_limit}s)"
t0=$(date +%s)
(cd "$work" && timeout --kill-after=10 "$train_limit" "$JAVA" "${flags[@]}" -cp "$cp" dev.topiary.cli.Main train \
  --backend cuda --quick --out "$work/run") >"$res/train.log" 2>&1
rc=$?
speed=$(grep -Eo '[0-9.]+ updates/s' "$res/train.log" | tail -1)
case $rc in
  0) note "DONE  training --quick in $(( $(date +%s) - t0 )) s, last ${speed:-? updates/s}" ;;
  124|137) note "PART  training stopped at the ${train_limit}s limit, last ${speed:-? updates/s}" ;;
  *) note "FAIL  training (exit $rc): $(grep -m1 -E 'topiary|Exception' "$res/train.log" | cut -c1-300)" ;;
esac

# --- 6. the results ---------------------------------------------------------------------------------------------
tar -C "$work" -czf "$res/reports.tar.gz" reports
{
  echo "Topiary GPU check$([ $self_test = 1 ] && echo ' (SELF-TEST: no GPU code ran; nothing here is a GPU result)')"
  printf '%s\n' "${summary[@]}"
  # The benchmark runner's own table of the issue's GPU targets, when it printed one.
  sed -n '/^== GPU targets/,/^$/p' "$res/bench.txt" 2>/dev/null
  echo "total $(( $(date +%s) - start )) s; results in $res"
} >"$res/summary.txt"
echo
cat "$res/summary.txt"
exit $status
