-- How were the printed terms read? Per vocabulary and method (exact, normalized, abbreviation,
-- contained, fuzzy, unmatched): distinct terms and how often documents print them.
-- expect: [["compounds", "exact", 4, 18], ["conditions", "exact", 1, 2], ["outcomes", "exact", 6, 9], ["populations", "exact", 2, 3], ["severities", "exact", 2, 2]]
SELECT vocabulary, method, count(*)::INTEGER AS terms, sum(occurrences)::INTEGER AS occurrences
FROM quality.term_matches
GROUP BY vocabulary, method
ORDER BY vocabulary, method;
