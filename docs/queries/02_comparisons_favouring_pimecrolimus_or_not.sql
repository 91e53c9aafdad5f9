-- Which comparisons involving pimecrolimus favour which arm, on what outcome and evidence grade?
-- expect: [["iga_success", "tacrolimus", "pimecrolimus", "adult", "unspecified", "favours_intervention", "high"], ["iga_success", "tacrolimus", "pimecrolimus", "pediatric", "mild_to_moderate", "no_difference", "moderate"], ["iga_success", "tacrolimus", "pimecrolimus", "pediatric", "moderate_to_severe", "favours_intervention", "moderate"], ["easi_reduction", "tacrolimus", "pimecrolimus", "unspecified", "unspecified", "favours_intervention", "high"], ["pruritus_relief", "tacrolimus", "pimecrolimus", "unspecified", "unspecified", "favours_intervention", "moderate"], ["iga_success", "pimecrolimus", "tcs", "unspecified", "unspecified", "favours_comparator", "high"]]
SELECT outcome, intervention, comparator, population, severity, direction, evidence_grade
FROM core.findings
WHERE 'pimecrolimus' IN (intervention, comparator)
ORDER BY table_no, row_no, statement_no;
