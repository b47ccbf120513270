"""Signed e-documents (L3): templates, PDF rendering, PAdES signing, issuing and public verification."""
