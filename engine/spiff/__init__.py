"""Everything dondoc needs of SpiffWorkflow beyond its obvious public API, in one place.

The runtime (engine/runtime) starts, advances and saves workflows through this package and
touches SpiffWorkflow itself only for the plain things (a task's data and state, running a
ready task, TaskState). Where SpiffWorkflow 3.2.0 has no public way to do what we need, the
private access stays here, with a comment saying why, so that an upgrade is checked in one
place (and against the saved states in tests/fixtures/states/).

- specs.py     compiled specs wired once at compile time, the same in every worker
- state.py     workflow state without its spec (the stored format), and the pruning of what a
               finished call activity or loop round leaves behind
- workflow.py  starting, advancing, messages, and which tasks are where
- timers.py    SpiffWorkflow's timers on dondoc's clock; when an instance must next wake up
"""
