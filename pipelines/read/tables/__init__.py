"""Tables: one model every rendering is read into, and one reader per rendering.

A table a person can see on the page is read as the same grid of cells whatever the rendering:
each reader (delimited: tab and pipe; aligned: space-aligned columns, wrapped PDF text, pandoc's
simple and multiline tables; grid: `+---+` borders; cards: `Label: value` blocks; spaced: single
spaces between typed cells; html) turns the lines or elements it claims into a `Grid`, and
`assemble` makes the `Table` (header rows, group rows, merged and continued cells) the same way
for all. Nothing here knows what a cell means. Like the rest of `read`, it imports only `read`
and the standard library (and the parsers it wraps: docutils, lxml); never `interpret`, `store`
or Prefect.
"""
