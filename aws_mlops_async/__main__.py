"""`python -m aws_mlops_async`: the same command line as `aws-mlops-async`."""

import sys

from .cli import main

sys.exit(main())
