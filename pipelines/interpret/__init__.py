"""Interpret: giving read records their meaning through the vocabularies under raw/vocab/.

Vocabulary lookups and term matching, column roles, treatments (compound, strength, formulation,
potency), directions, ages and timepoints, the tidy rows of every guide dataset, reference
resolution against bibliographic records, and effect estimates oriented towards benefit: what a
guide and the estimates say, never a judgement of one against the other (that is `appraise`).
Everything here is a pure function of its inputs. It may import `pull`, `read`, `schemas` and the
row validation at the top (`pipelines.validate`); never `appraise`, never `store`, and never
Prefect.
"""
