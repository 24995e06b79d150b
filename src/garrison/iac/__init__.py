"""Infrastructure as code: loaders turn files into Resources, checks (YAML rules in the
check language of `dsl.py`, or Python) turn Resources into misconfiguration Findings."""
