"""Reports keep no data of their own: every figure is aggregated from attendance and shifts
when it is asked for. The app's one migration adds the indexes those aggregations need."""
