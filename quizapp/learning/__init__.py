"""The learner's path through an activity: posttest attempts, review and evaluation."""
