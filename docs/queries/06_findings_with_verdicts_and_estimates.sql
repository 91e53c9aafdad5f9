-- Does the quantitative evidence support each finding? The verdict, its certainty check, and the
-- estimates counted, as printed (estimates_csv_line is the line in its file: 48 is of
-- effect_estimates_more.csv). core.verdict_estimates also lists those considered and not counted.
-- expect: [[1, 1, 1, "tacrolimus", "pimecrolimus", "favours_intervention", "supported", "high", "rr", 0.56, 0.41, 0.77, 19], [1, 2, 1, "tacrolimus", "pimecrolimus", "no_difference", "supported", "low", "rr", 0.71, 0.45, 1.12, 12], [1, 2, 2, "tacrolimus", "pimecrolimus", "favours_intervention", "no_estimates", null, null, null, null, null, null], [1, 3, 1, "tacrolimus", "pimecrolimus", "favours_intervention", "no_estimates", null, null, null, null, null, null], [1, 4, 1, "tacrolimus", "pimecrolimus", "favours_intervention", "no_estimates", null, null, null, null, null, null], [2, 1, 1, "tacrolimus", "tcs", "comparable", "supported", "low", "rr", 0.95, 0.78, 1.17, 10], [2, 2, 1, "tacrolimus", "tcs", "favours_intervention", "supported", "moderate", "rr", 2.56, 1.95, 3.36, 7], [2, 3, 1, "pimecrolimus", "tcs", "favours_comparator", "supported", "high", "rr", 0.22, 0.09, 0.54, 3], [2, 3, 1, "pimecrolimus", "tcs", "favours_comparator", "supported", "high", "rr", 0.75, 0.67, 0.83, 28], [2, 4, 1, "calcineurin_inhibitor", "tcs", "favours_intervention", "supported", "low", "rr", 4.86, 1.06, 22.28, 48], [2, 5, 1, "calcineurin_inhibitor", "tcs", "favours_comparator", "supported", "high", "rr", 3.32, 2.9, 3.8, 47]]
SELECT f.table_no, f.row_no, f.statement_no, f.intervention, f.comparator, f.direction, f.verdict,
       f.certainty, x.measure, x.estimate, x.ci_low, x.ci_high, x.line_no AS estimates_csv_line
FROM core.finding_verdicts f
LEFT JOIN core.verdict_estimates v ON v.finding_id = f.finding_id AND v.counted
LEFT JOIN core.effect_estimates x ON x.estimate_id = v.estimate_id
ORDER BY f.table_no, f.row_no, f.statement_no, x.line_no;
