#!/usr/bin/env python3
"""hepdata_validate.py DIR... — validate HEPData submission directories with hepdata-validator.

Exit 0 when every submission is valid, 1 when one is not (the validator's messages are printed),
3 when hepdata_validator cannot be imported.  Used by tests/dy_test_hepdata.h.
"""
import sys

sys.dont_write_bytecode = True
try:
    from hepdata_validator.full_submission_validator import FullSubmissionValidator
except ImportError as exc:  # the caller decides whether to install it or skip
    print(f"hepdata_validate.py: cannot import hepdata_validator ({exc})", file=sys.stderr)
    sys.exit(3)

bad = 0
for d in sys.argv[1:]:
    v = FullSubmissionValidator()
    if v.validate(directory=d):
        print(f"{d}: valid HEPData submission")
    else:
        bad += 1
        print(f"{d}: INVALID HEPData submission")
        for path, messages in v.get_messages().items():
            for m in messages:
                print(f"  {path}: {m.message}")
sys.exit(1 if bad else 0)
