"""Appraise: each finding judged against the effect estimates — what the numbers say of the words.

The fit of each estimate to a finding (arms, population, severity, timepoint), which estimates
count and which overlap, random-effects pooling, the verdict, the certainty check beside it, and
the reasons in words. This is the part a meta-analyst reads and changes; its rules that are data
live in `raw/vocab/` (estimate_fits, certainty_rules, measures). Everything here is a pure
function of its inputs. It may import `interpret` (vocabularies, treatments, timepoints) and
`schemas`; never `read`, `store`, the modules at the top of `pipelines`, or Prefect, and
`interpret` never imports it.
"""
