-- How were the printed terms read? Per vocabulary and method (exact, normalized, abbreviation,
-- contained, fuzzy, unmatched): distinct terms and how often documents print them.
-- expect: [["compounds", "exact", 33, 242], ["conditions", "exact", 9, 116], ["evidence_grades", "exact", 2, 9], ["outcomes", "exact", 56, 116], ["outcomes", "normalized", 1, 2], ["populations", "exact", 2, 3], ["severities", "exact", 2, 2]]
SELECT vocabulary, method, count(*)::INTEGER AS terms, sum(occurrences)::INTEGER AS occurrences
FROM quality.term_matches
GROUP BY vocabulary, method
ORDER BY vocabulary, method;
