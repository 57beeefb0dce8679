"""Pure posttest logic: option order, scoring and the review policy. No Flask, no SQL."""
