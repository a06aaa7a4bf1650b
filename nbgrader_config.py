"""nbgrader configuration, generated from course.yml (edit course.yml, not this file).

With this file at the course root, the standard commands work with no flags:

    nbgrader generate_assignment a2_correlation     # assignments/ -> release/ (+ gradebook entry)
    nbgrader autograde a2_correlation               # submitted/<student>/ -> autograded/ + scores
    nbgrader generate_feedback a2_correlation       # autograded/ -> feedback/<student>/.../*.html
    nbgrader export                                 # gradebook -> grades.csv

What it adds to plain nbgrader (see docs/instructor.md):
- each submission's kernel runs sandboxed (autograder.kernel_sandbox.SandboxedKernelManager:
  bubblewrap, no view of the gradebook, the course or other students, nothing outlives it);
- the scores that reach the gradebook come from the course autograder, computed outside the
  kernel (autograder.nbgrader_plugin.TrustedGrades), with partial credit and named mistakes;
- hidden test regions never reach the feedback HTML;
- with a gradebook on a database server (course.yml, nbgrader.db_url: postgresql://...), a
  gradebook that cannot be opened stops the command with one line instead of a traceback.
"""
import os
import sys

_ROOT = os.path.dirname(os.path.abspath(__file__))
if _ROOT not in sys.path:  # `autograder` importable even when the package is not installed
    sys.path.insert(0, _ROOT)

from autograder.course import load_course  # noqa: E402
from autograder.nbgrader_plugin import configure  # noqa: E402

c = get_config()  # noqa: F821 - provided by nbgrader's config loader
configure(c, load_course(_ROOT))
