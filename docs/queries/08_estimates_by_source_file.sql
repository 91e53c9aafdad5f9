-- How many estimates each source file gave, and how many rows of a published table printed none
-- (quality.rows_without_estimate says why; only pages of analysis tables have such rows)
-- expect: [["estimates/effect_estimates.csv", 60, 0], ["estimates/effect_estimates_more.csv", 52, 0]]
SELECT e.file, count(*) AS estimates,
       (SELECT count(*) FROM quality.rows_without_estimate r WHERE r.file = e.file) AS without_estimate
FROM core.effect_estimates e
GROUP BY e.file
ORDER BY e.file;
