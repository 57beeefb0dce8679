"""The administrators' area: dashboards, learners, certificates, audit log and reports."""
