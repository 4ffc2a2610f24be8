"""Import of volunteers from the systems Tovholder replaces (CSV and XLSX).

`parsing` turns a file into a table of text, `columns` matches its headers to our fields,
`services` checks every row, previews and commits the import in one transaction.
"""
