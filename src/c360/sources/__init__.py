"""Synthetic sources: one population of bank customers seen through five source systems.

`c360.sources.generator.generate` writes the CRM API pages, the core-banking tables,
the mainframe extracts, the call-center files and the clickstream in their native
shapes, with configurable mess (`c360.sources.messiness.Messiness`), plus a ground
truth that maps every person-bearing record to its true person. See docs/sources.md.
"""
