#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu), with the
# bundle unpacked in /autograder/source. Written by `python -m autograder gradescope`.
set -euo pipefail
SOURCE=/autograder/source

# Python and bubblewrap, the sandbox the student's code runs in (see run_autograder for what
# happens when the container refuses the namespaces bubblewrap needs)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap

# the grader's own dependencies, in a venv outside the course folder; the grader itself is not
# installed: run_autograder imports it from $SOURCE/autograder
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
/autograder/venv/bin/pip install --quiet -r "$SOURCE/requirements.txt"

# the reference solution and the course secret: readable by root only
chmod -R go-rwx "$SOURCE/solutions"
if [ -f "$SOURCE/secret" ]; then chmod 600 "$SOURCE/secret"; fi
