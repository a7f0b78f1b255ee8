"""SANDBOX: masked copies (`sbx_*`) of analytics tables for data scientists."""
