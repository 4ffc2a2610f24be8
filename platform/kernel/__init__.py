"""The shared kernel: small helpers every app may use, importing no app of ours.

Mail transport, form helpers, task sending (`enqueue_on_commit`), the tenant-aware file
storage, named date formats, phone numbers and time helpers. See docs/architecture.md.
"""
