"""Instance administration for process admins (like Camunda Cockpit): find running instances,
read one's state, and change it — suspend, resume, terminate, retry an incident with corrected
data, skip a step, move a token, reassign a work item — each change audited with its reason.
`queries` reads, `actions` changes; engine.org.permissions.may_administer_instances says who."""
