-- How many comparative findings does the warehouse hold?
-- expect: [[10]]
SELECT count(*) FROM core.findings;
