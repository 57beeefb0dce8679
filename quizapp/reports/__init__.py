"""Reports for administrators and accreditors: completions, ACCME PARS, item analysis,
evaluation summaries. Each is a page and a CSV written row by row."""
