"""The report format as data, and the words the officer reads.

The model of the six parts and their tables (``model``, loaded from
``prompts/report.yaml``), the figures officers type (``figures``), the report itself
(``report``) and its interchange file (``datafile``), coded findings (``findings``), the
catalogue of every Chinese message by code (``catalogue``), and the validated loading of
the YAML files behind all of them (``yaml_loading``). Everything else builds on this
package; it imports nothing of the project but itself.
"""
