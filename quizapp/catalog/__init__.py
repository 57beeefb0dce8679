"""The public catalog: current activities and each activity's page with its article."""
