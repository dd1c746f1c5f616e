# Shared by the shell tests: a check tally printing "ok"/"FAIL" lines and the final "N passed, M
# failed", and mpirun settings that work as root and with more processes than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN="mpirun --oversubscribe"
passed=0
failed=0
check() { # what, command...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok   $what"
  else
    failed=$((failed + 1))
    echo "FAIL $what"
  fi
}
# A command fails with the given status and one line on stderr that names the thing.
fails_cleanly() { # status, expected message part, command...
  local want=$1 part=$2 status
  shift 2
  "$@" >fail.out 2>fail.err
  status=$?
  [ $status -eq "$want" ] && [ "$(wc -l <fail.err)" -eq 1 ] && grep -qF -- "$part" fail.err ||
    { echo "     status $status: $(cut -c1-300 fail.err)"; return 1; }
}
# Under the sanitizers (scripts/sanitize.sh sets SGEMA_TEST_QUICK=1) a test runs once what it
# otherwise repeats with other process counts or kill moments: those repetitions check timing and
# P-invariance, which the plain run does; the sanitized run looks for memory errors on each path.
quick_or() { # FULL QUICK: prints the list to loop over
  if [ -n "${SGEMA_TEST_QUICK:-}" ]; then echo "$2"; else echo "$1"; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
