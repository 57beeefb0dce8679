"""Reports cover every learner and every claim, and their CSVs are written while they
download: each report reads the database in batches of this size, so a server's memory
stays flat however large the export."""

BATCH = 500
