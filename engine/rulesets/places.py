"""Where a problem's element is, in terms a process admin finds on the canvas: its kind and name, or, for an
element without a name (a gateway drawn in another tool is "Gateway_0x7f3k2"), the named element it follows
or leads to ("the exclusive gateway without a name after 'Tiếp nhận'"). The modeler puts it in words
(webui/modeler/words.py place_words)."""
from __future__ import annotations

from lxml import etree

MAX_STEPS = 5  # unnamed elements walked past to find a named one (a gateway after a gateway)


def place_of(tree, element_id: str | None) -> dict[str, str]:
    """{"kind": BPMN local name, "name": its name, "after" / "before": the nearest named element before or after
    it on its flows}; {} for an element the file does not hold (a setting, a file-level problem)."""
    if tree is None or not element_id or (node := _by_id(tree, element_id)) is None:
        return {}
    place = {"kind": etree.QName(node).localname, "name": (node.get("name") or "").strip()}
    if place["name"]:
        return place
    flows = _flows(tree)
    if after := _nearest_named(tree, flows, element_id, "sourceRef", "targetRef"):
        return {**place, "after": after}
    if before := _nearest_named(tree, flows, element_id, "targetRef", "sourceRef"):
        return {**place, "before": before}
    return place


def _by_id(tree, element_id: str):
    found = tree.xpath("//*[@id=$id]", id=element_id)
    return found[0] if found else None


def _flows(tree) -> list:
    return tree.xpath("//*[local-name()='sequenceFlow']")


def _nearest_named(tree, flows: list, element_id: str, toward: str, away: str) -> str | None:
    """The name of the nearest named element reached by walking the flows from `element_id` (toward their
    `toward` end: sourceRef walks back). A flow itself stands between its two ends."""
    seen, frontier = {element_id}, [element_id]
    for _ in range(MAX_STEPS):
        step = []
        for current in frontier:
            node = _by_id(tree, current)
            ends = [node.get(toward)] if node is not None and node.get(toward) else []
            ends += [flow.get(toward) for flow in flows if flow.get(away) == current]
            step += [end for end in ends if end and end not in seen]
        for end in step:
            node = _by_id(tree, end)
            if node is not None and (node.get("name") or "").strip():
                return node.get("name").strip()
        seen.update(step)
        frontier = step
    return None
