"""HTTP benchmark of the API lists beside bare DRF floors (issue 16 item 5)."""
