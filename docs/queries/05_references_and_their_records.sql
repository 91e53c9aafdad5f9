-- Which PubMed record does each reference of the seed guide resolve to, how, and why not?
-- expect: [[1, null, "unresolved", 64.3, null], [2, "12090545", "exact", 100.0, "Pimecrolimus. Novartis."], [3, "16033622", "prefix", 65.1, "Pimecrolimus in dermatology: atopic dermatitis and beyond"], [4, "11060661", "exact", 100.0, "Ascomycins: promising agents for the treatment of inflammatory skin diseases."], [5, null, "unresolved", 46.9, null]]
SELECT r.ref_no, r.pmid, r.match_method, r.match_score, b.title AS record_title
FROM core.references r
LEFT JOIN core.bibliographic_records b USING (record_id)
ORDER BY r.source_id, r.ref_no;
