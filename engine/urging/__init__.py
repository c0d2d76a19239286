"""Urging (đôn đốc): the reminder policy of a ruleset (`[reminders]`), the schedule it gives
each assignment (policy.py), and what urging.bpmn calls to check the assignment and notify
the people concerned (operators.py)."""
