"""`python -m autograder ...` and the `conv-autograder` command."""
import sys

from . import isolation


def run() -> None:
    if sys.argv[1:2] and sys.argv[1] in ("grade", "demo"):
        isolation.probe_early()  # the trial sandbox runs while the rest of the grader is imported
    if sys.argv[1:2] != ["grade"]:
        from .cli import main

        main()
        return
    from . import early

    early.start_for_grade(sys.argv[2:])  # the first child gets ready meanwhile too
    try:
        from .cli import main

        main()
    finally:
        early.discard()  # grading did not take it (a usage error, a course it cannot use ...)


if __name__ == "__main__":
    run()
