-- Safety findings with the references they cite (outcome polarity "lower" means less is better).
-- expect: [["skin_atrophy", "lower", "favours_intervention", 4, "Ascomycins: promising agents for the treatment of inflammatory skin diseases"], ["skin_atrophy", "lower", "favours_intervention", 5, "Ascomycins in dermatology"]]
SELECT f.outcome, o.polarity, f.direction, fc.ref_no, fc.reference_title
FROM core.findings f
JOIN ref.outcomes o ON o.id = f.outcome
JOIN core.finding_citations fc USING (finding_id)
WHERE o.domain = 'safety'
ORDER BY fc.ref_no;
