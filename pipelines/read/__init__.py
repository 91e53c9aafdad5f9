"""Read: one module per input format, turning bytes into lossless records that know their file:line.

Guides (text and HTML renderings and the `ParsedGuide` they share), PubMed XML, PubMed CSV,
RIS/MEDLINE, CSV rows, and the text helpers every reader uses. A reader knows no meaning: it keeps
strings as printed and raises `errors.FileError` for a whole file, or returns `errors.ParseIssue`
for a part of one. It may import `pull` (for `PulledFile`) and `schemas`; never `interpret`,
`store`, the modules at the top of `pipelines`, or Prefect.
"""
