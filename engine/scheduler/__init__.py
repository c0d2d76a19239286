"""The scheduler (bộ hẹn giờ): wakes the engine for due BPMN timers and sends the outbox.

One APScheduler job, `tick`, runs every `scheduler_interval_seconds`: it advances every
workflow instance whose `next_timer_due` has come (Runtime.fire_due_batch: claimed by their
row locks held to the commit — PostgreSQL: a few instances a transaction, SKIP LOCKED; SQLite:
one, under its write lock) and then sends due mail.
There is no job per BPMN timer: the workflow state is the truth, the row's
`next_timer_due` only says when to look. It runs inside `dondoc serve` (embedded) or as
`dondoc scheduler` (several may run against one database), or from cron as
`dondoc timers run`.
"""
