"""Offline checks of docker/ and k8s/: what they refer to exists, what they ship is valid.

Run by scripts/check-deploy.sh, which installs the pinned libraries and passes the folder of
the binaries scripts/build-release.sh built. Each check is a function named for the property
it proves (image_checks.py, k8s_checks.py, scaled_checks.py); the run ends with
`N passed, M failed`.
"""

import argparse
import sys

# Imported for their checks, which register themselves in this order.
import image_checks  # noqa: F401
import k8s_checks  # noqa: F401
import scaled_checks  # noqa: F401
from shared import CHECKS, Failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    args = parser.parse_args()
    passed = failed = 0
    for fn in CHECKS:
        try:
            fn(args.bin_dir)
        except Failed as e:
            failed += 1
            print(f"FAILED - {fn.__name__}: {e}")
        except Exception as e:  # a check that crashes has failed too, and says how
            failed += 1
            print(f"FAILED - {fn.__name__}: {type(e).__name__}: {e}")
        else:
            passed += 1
            print(f"ok - {fn.__name__}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
