/* Force-included (-include) into a tool's main file by the argv harnesses: the calls that would do
 * a run's real work (MPI start-up, the results file, integrating trials) go to fuzz_stubs.c, which
 * refuses them, so that a fuzzed command line that parses ends right after its checks. */
#ifndef SGEMA_FUZZ_STUBS_H
#define SGEMA_FUZZ_STUBS_H

/* sgema-run: no MPI_Init (half a second per singleton start), one process of rank 0. */
#define sgema_parallel_init fuzz_parallel_init
#define sgema_parallel_finalize fuzz_parallel_finalize
#define sgema_parallel_rank fuzz_parallel_rank
#define sgema_parallel_size fuzz_parallel_size
#define sgema_parallel_host fuzz_parallel_host
#define sgema_parallel_utc_now fuzz_parallel_utc_now
#define sgema_parallel_all fuzz_parallel_all
/* sgema-run: the results file is never created. */
#define sgema_output_open fuzz_output_open
/* sgema-trial, sgema-bench: no trial is integrated (a fuzzed --t-max or --trials could take
 * hours). */
#define sgema_trial_solve fuzz_trial_solve
#define sgema_trial_run fuzz_trial_run

/* Every tool: exit() ends the fuzzing child through the harness (fuzz_argv.c), which hands its
 * coverage to the parent; libFuzzer's own exit handler would call it a crash. */
#define exit fuzz_tool_exit

#endif
