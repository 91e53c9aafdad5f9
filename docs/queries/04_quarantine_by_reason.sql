-- What was quarantined, and why? (empty on the bundled data)
-- expect: []
SELECT dataset, file, line_no, "column", message FROM quality.quarantine ORDER BY dataset, file, line_no;
