"""Registering and classifying a long conclusion notice (bench/classify.py measures it): the statements
a registration or a classification runs grow at most by a small constant per task, and a
classification failing half-way leaves no task behind."""
from sqlalchemy import event, func, select

from engine.audit.models import AuditEntry
from engine.directives import service as directives
from engine.directives.models import Assignment, AssignmentUnit
from engine.runtime.models import Incident, WorkflowInstance, WorkItem

# Statements a classification adds per task: the task's rows, its process's start and save, its
# first-report check, its notifications (each: who may read it, its record's body and secrecy, the
# unread one it may repeat, the row). 27 before the units, holders and rows were read and written
# once for the notice.
PER_TASK = 19


def notice(number: int, tasks: int) -> tuple[dict, list[dict]]:
    """A notice of `tasks` tasks, the leads taking turns, every other one coordinated, dated or counted in
    working days."""
    header = {"symbol": f"{number}/TB-UBND", "issued_on": "10/02/2026", "issuer": "UBND tỉnh",
              "summary": "Kết luận của Chủ tịch UBND tỉnh"}
    leads = ("STC", "SXD")
    return header, [{"content": f"Nhiệm vụ {n + 1}", "lead_unit": leads[n % 2],
                     **({"coordinating_units": [leads[(n + 1) % 2]]} if n % 2 else {}),
                     **({"deadline": "20/03/2026"} if n % 3 == 0 else {"deadline_days": 10 + n})}
                    for n in range(tasks)]


class Counted:
    def __init__(self, engine):
        self.engine, self.statements = engine, 0

    def __enter__(self):
        event.listen(self.engine.db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine.db.engine, "before_cursor_execute", self._count)

    def _count(self, *_args):
        self.statements += 1


def registered_and_classified(engine, users, number: int, tasks: int) -> tuple[int, int]:
    """The statements of registering the notice and of classifying it."""
    header, items = notice(number, tasks)
    with Counted(engine) as registering:
        directive = directives.register(engine, header, items, users["clerk"])
    with engine.db.reading() as s:
        classify = s.scalar(select(WorkItem.id).where(WorkItem.directive_id == directive.id,
                                                      WorkItem.element_id == "classify"))
    with Counted(engine) as classifying:
        engine.runtime.complete(classify, {"tracked": "on"}, users["clerk"])
    with engine.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)
                        .where(Assignment.directive_id == directive.id)) == tasks
    return registering.statements, classifying.statements


def test_statements_grow_by_a_small_constant_per_task(loaded, org_tree):
    registered_and_classified(loaded, org_tree, 1, 2)  # the first of each kind reads what is then kept
    register_5, classify_5 = registered_and_classified(loaded, org_tree, 2, 5)
    register_25, classify_25 = registered_and_classified(loaded, org_tree, 3, 25)
    assert register_25 - register_5 <= 2  # the units, the people and the calendar read once
    assert (classify_25 - classify_5) / 20 <= PER_TASK, (classify_5, classify_25)


def test_a_classification_failing_half_way_leaves_no_task(loaded, org_tree, monkeypatch):
    header, items = notice(4, 5)
    directive = directives.register(loaded, header, items, org_tree["clerk"])
    with loaded.db.reading() as s:
        classify = s.scalar(select(WorkItem.id).where(WorkItem.element_id == "classify"))
        before = {model: s.scalar(select(func.count()).select_from(model))
                  for model in (Assignment, AssignmentUnit, WorkflowInstance, AuditEntry)}
    start, started = loaded.runtime.start, []

    def third_fails(session, bundle, purpose, data, **kwargs):
        if purpose == "assignment" and len(started) == 2:
            raise LookupError("the third task's process failed")
        started.append(data["assignment_id"])
        return start(session, bundle, purpose, data, **kwargs)

    monkeypatch.setattr(loaded.runtime, "start", third_fails)
    loaded.runtime.complete(classify, {"tracked": "on"}, org_tree["clerk"])
    with loaded.db.reading() as s:
        [incident] = s.scalars(select(Incident)).all()  # the office sees why, and retries it
        assert "the third task's process failed" in incident.error
        after = {model: s.scalar(select(func.count()).select_from(model)) for model in before}
        assert after[Assignment] == before[Assignment] == 0
        assert after[AssignmentUnit] == before[AssignmentUnit]
        assert after[WorkflowInstance] == before[WorkflowInstance]
        assert not s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(("assignment.created", "instance.started")),
            AuditEntry.directive_id == directive.id, AuditEntry.assignment_id.is_not(None))).all()
    monkeypatch.setattr(loaded.runtime, "start", start)
    loaded.runtime.retry_incident(incident.id, org_tree["admin"])
    with loaded.db.reading() as s:
        assert s.scalars(select(Assignment.seq).order_by(Assignment.seq)).all() == [1, 2, 3, 4, 5]
