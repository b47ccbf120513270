"""The public page where anyone checks an e-document by its code or its PDF (no login)."""
