"""`python -m autograder ...` and the `conv-autograder` command."""
import sys

from . import isolation


def run() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else None
    if command != "grade":
        if command == "demo":
            isolation.probe_early()  # the trial sandbox runs while the rest of the grader is imported
        from .cli import main

        main()
        return
    from . import early

    early.start_for_grade(sys.argv[2:])  # the first child gets ready while the grader is imported,
    isolation.probe_early()  # and so does the trial sandbox
    try:
        from .cli import main

        main()
    finally:
        early.discard()  # grading did not take it (a usage error, a course it cannot use ...)


if __name__ == "__main__":
    run()
