"""The data every stage shares: nodes, documents, findings, the typed profile and the schema."""
