"""The published directory: HSDS 3.0 tables, records, import, export, audit and queries."""
