"""Interpret: giving read records their meaning through the vocabularies under raw/vocab/.

Vocabulary lookups, treatments (compound, strength, formulation, potency), the tidy rows of every
guide dataset, reference resolution against bibliographic records, effect estimates oriented
towards benefit, and the verdict of each finding against them. Everything here is a pure function
of its inputs. It may import `pull`, `read`, `schemas` and the row validation at the top
(`pipelines.validate`); never `store`, and never Prefect.
"""
