"""The app's shell around core, by role: controls, the cache (the one door into core), checks,
tables, charts, formats, links, exports, layout and server policy (budget). No maths here."""
