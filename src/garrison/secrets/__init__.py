"""Secret scanning: provider and generic detectors over decoded text, redaction, fingerprints.

`detect.find_secrets(text, path)` is the pure core: it finds every secret in one file's text
and returns hits that keep the secret in memory only. `findings.to_finding` turns a hit into
a `Finding` that carries a redacted preview and a salted fingerprint, never the secret.
"""
