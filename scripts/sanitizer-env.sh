# sanitizer-env.sh — sourced by ci-sanitizers.sh and ci-fuzz.sh: how ASan, LSan and UBSan
# report (every child darkyield process started by a test inherits this).  Exit codes 86 (ASan,
# LSan) and 87 (UBSan) tell a sanitizer finding from darkyield's own 1 and 2.
dy_scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# fast_unwind_on_malloc=0: allocations made inside uninstrumented libraries (Open MPI's
# components, PoCL) get full stacks instead of "<unknown module>" frames, so scripts/lsan.supp can
# match them by library name (ci-fuzz.sh turns it back on: speed matters there, MPI does not).
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:fast_unwind_on_malloc=0:exitcode=86"
export LSAN_OPTIONS="suppressions=$dy_scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
