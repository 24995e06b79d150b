"""The working handler (test fixture)."""


def handler(event):
    return eval(event["expr"])
