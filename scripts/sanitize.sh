#!/bin/sh
# Builds sgema with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/ and runs the whole
# CTest suite under them, MPI tests included; any finding (memory error, undefined behaviour, a leak
# that is ours) aborts the process and so fails its test.
#   scripts/sanitize.sh [--no-build] [ctest options]      default ctest options: -LE 'valgrind|slurm'
# (valgrind cannot run sanitized binaries; the SLURM test needs the daemons of a cluster.)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-asan"
if [ "${1:-}" = --no-build ]; then
  shift
else
  cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSGEMA_SANITIZE=ON -DSGEMA_WERROR=ON
  cmake --build "$build" -j "$(nproc)"
fi

# abort_on_error: a finding ends in SIGABRT, which no test can mistake for one of the tools' own
# statuses (1, 2, 75).
asan="suppressions=$top/tests/asan.supp:detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
# Allocation stacks by frame pointers (fast_unwind_on_malloc=1, 2-3x faster a process): a stack
# then ends at the first library built without them, so tests/lsan.supp names the libraries our code
# never calls (glib, ltdl) rather than functions deep in their stacks, and MPI_Init's allocations
# are not tracked at all (src/parallel/parallel.c). The ranks that mpirun starts keep the full
# DWARF unwinding: the launcher's PMIx progress thread leaks one block whose stack only that shows
# (through event_base_loop); mpirun hands them this setting (mca_base_env_list).
export ASAN_OPTIONS="$asan:fast_unwind_on_malloc=1"
export OMPI_MCA_mca_base_env_list="ASAN_OPTIONS=$asan:fast_unwind_on_malloc=0"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
# use_tls=0: GCC 12's LeakSanitizer crashes ("Tracer caught signal 11") on the dynamic TLS of a
# process that MPI_Init starts as a singleton (no mpirun); without TLS as roots LSan can only report
# more leaks, never fewer, so this hides nothing of ours.
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:use_tls=0:print_suppressions=0"
# Keep Open MPI's and PMIx's components loaded until exit: once unloaded (dlclose at MPI_Finalize)
# their frames in a leak's stack are "<unknown module>" and the suppressions cannot see them.
export OMPI_MCA_mca_base_component_disable_dlclose=1 PMIX_MCA_mca_base_component_disable_dlclose=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The legibility test draws 130 figures; its checks are the plain run's business, so under the
# sanitizers it draws the extremes only (1 and 12 runs), which still walk every layout path.
export SGEMA_LEGIBLE_COUNTS="1 12" SGEMA_LEGIBLE_INK_COUNTS="12"
# Likewise the census against PHCpack: phc does most of that test's work, unsanitized; the plain
# run compares 200 + 200 systems, this one a few of each, which walks every path of our side.
export SGEMA_PHC_COUNTS="20 10" SGEMA_CENSUS_QUICK=1
# And the shell tests run once what they repeat with other process counts or kill moments
# (tests/check.sh, quick_or).
export SGEMA_TEST_QUICK=1

cd "$build"
if [ $# -eq 0 ]; then
  set -- -LE 'valgrind|slurm'
fi
ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@"
