# SPDX-License-Identifier: MIT
"""The command line every doc-number source script shares (scripts/doc_numbers.py runs them):

    SCRIPT SASIM ROOT WORK_DIR --json

source_args(doc) returns (sasim as an absolute path, ROOT, WORK_DIR created), or exits with `doc`.
"""
import os
import sys


def source_args(doc):
    if len(sys.argv) != 5 or sys.argv[4] != "--json":
        sys.exit(doc)
    sasim, root, work = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    return sasim, root, work
