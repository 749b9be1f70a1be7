"""meterflow: a batch pipeline for smart-meter readings (src layout)."""
