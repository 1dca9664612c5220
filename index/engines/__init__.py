"""Search engines behind the index: what each needs to hold our documents (OpenSearch so far)."""
