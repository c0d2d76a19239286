// Properties panel groups for what the dondoc engine reads (docs/architecture.md "BPMN
// conventions"): the lane (role) and formKey/unit/urging of user tasks, their due date and timers
// (deadline-editor.js), gateway conditions and default flows, scripts, called processes.
import { is } from 'bpmn-js/lib/util/ModelUtil';
import {
  CheckboxEntry, SelectEntry, TextAreaEntry, TextFieldEntry,
  isCheckboxEntryEdited, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { collectLanes, extensionValue, laneOf, propertyValue } from './lint';
import { deadlineGroup } from './deadline-editor';

function bo(element) {
  return element.businessObject;
}

function useDondoc() {
  return useService('config.dondoc') || { lanes: {}, forms: [], processes: [], labels: {} };
}

// ---------------------------------------------------------------- model updates
function ensureExtension(element, type, injector, attrs = {}) {
  const modeling = injector.get('modeling');
  const moddle = injector.get('moddle');
  const business = bo(element);
  let extensions = business.extensionElements;
  if (!extensions) {
    extensions = moddle.create('bpmn:ExtensionElements', { values: [] });
    modeling.updateModdleProperties(element, business, { extensionElements: extensions });
  }
  let value = extensionValue(business, type);
  if (!value) {
    value = moddle.create(type, attrs);
    modeling.updateModdleProperties(element, extensions, { values: [...(extensions.values || []), value] });
  }
  return value;
}

function setProperty(element, name, value, injector) {
  const modeling = injector.get('modeling');
  const props = ensureExtension(element, 'spiffworkflow:Properties', injector, { values: [] });
  const existing = (props.values || []).find((p) => p.name === name);
  if (existing && value) {
    modeling.updateModdleProperties(element, existing, { value });
  } else if (existing) {
    modeling.updateModdleProperties(element, props, { values: props.values.filter((p) => p !== existing) });
  } else if (value) {
    const prop = injector.get('moddle').create('spiffworkflow:Property', { name, value });
    modeling.updateModdleProperties(element, props, { values: [...(props.values || []), prop] });
  }
}

function setBody(element, owner, key, body, injector) {
  const value = body ? injector.get('moddle').create('bpmn:FormalExpression', { body }) : undefined;
  injector.get('modeling').updateModdleProperties(element, owner, { [key]: value });
}

// ---------------------------------------------------------------- entries
function LaneEntry({ element, id }) {
  const dondoc = useDondoc();
  const injector = useService('injector');
  const t = dondoc.labels;
  const process = processOf(bo(element));
  const lanes = [];
  (process && process.laneSets || []).forEach((set) => collectLanes(set, lanes));
  return SelectEntry({
    element, id, label: t.lane, description: t.laneHelp,
    getValue: () => (laneOf(bo(element)) || {}).id || '',
    setValue: (laneId) => {
      const modeling = injector.get('modeling');
      lanes.forEach((lane) => {
        const refs = (lane.flowNodeRef || []).filter((ref) => ref !== bo(element));
        if (lane.id === laneId) refs.push(bo(element));
        if (refs.length !== (lane.flowNodeRef || []).length || lane.id === laneId) {
          modeling.updateModdleProperties(element, lane, { flowNodeRef: refs });
        }
      });
    },
    getOptions: () => [{ value: '', label: t.noLaneOption }].concat(lanes.map((lane) => ({
      value: lane.id,
      label: `${lane.name} → ${roleName(dondoc, lane.name)}`,
    }))),
  });
}

// A lane's role by its name in the page's language (the ruleset maps lanes to role codes).
function roleName(dondoc, laneName) {
  const role = dondoc.lanes[laneName];
  return role ? (dondoc.roleNames || {})[role] || role : dondoc.labels.noRole;
}

function propertyEntry(name, kind) {
  return function PropertyEntry({ element, id }) {
    const dondoc = useDondoc();
    const injector = useService('injector');
    const debounce = useService('debounceInput');
    const t = dondoc.labels;
    const common = {
      element, id, label: t[name], description: t[`${name}Help`], debounce,
      getValue: () => propertyValue(bo(element), name) || '',
      setValue: (value) => setProperty(element, name, (value || '').trim(), injector),
    };
    if (kind === 'urging') {
      // absent: the late-step rule urges the step past its due day; the values the server accepts
      // (`diagram`: its own timers do) come from the page, as the lint's do
      return SelectEntry({
        ...common,
        getOptions: () => [{ value: '', label: t.urgingByRule }].concat(
          Object.entries(dondoc.urging).map(([value, label]) => ({ value, label }))),
      });
    }
    if (kind === 'form') {
      return SelectEntry({
        ...common,
        getOptions: () => [{ value: '', label: '—' }].concat(dondoc.forms.map((f) => ({
          value: f, label: (dondoc.formTitles || {})[f] || f,
        }))),
      });
    }
    return TextFieldEntry(common);
  };
}

function InstructionsEntry({ element, id }) {
  const t = useDondoc().labels;
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return TextAreaEntry({
    element, id, label: t.instructions, description: t.instructionsHelp, debounce, rows: 2,
    getValue: () => (extensionValue(bo(element), 'spiffworkflow:InstructionsForEndUser') || {}).value || '',
    setValue: (value) => {
      const node = ensureExtension(element, 'spiffworkflow:InstructionsForEndUser', injector);
      injector.get('modeling').updateModdleProperties(element, node, { value });
    },
  });
}

function timerDefinition(element) {
  return (bo(element).eventDefinitions || []).find((d) => is(d, 'bpmn:TimerEventDefinition'));
}

// A timer's expression, whichever of date, duration or cycle it is.
function timerExpression(definition) {
  return ['timeDate', 'timeDuration', 'timeCycle'].find((key) => definition[key]) || 'timeDate';
}

// A deadline shape is a moment: a date timer. A raw expression stays where it was.
function writeTimer(element, value, injector, shape) {
  const definition = timerDefinition(element);
  const key = shape ? 'timeDate' : timerExpression(definition);
  const body = value ? injector.get('moddle').create('bpmn:FormalExpression', { body: value }) : undefined;
  injector.get('modeling').updateModdleProperties(element, definition, {
    timeDate: undefined, timeDuration: undefined, timeCycle: undefined, [key]: body,
  });
}

const ACCESS = {
  due: {
    read: (element) => propertyValue(bo(element), 'due') || '',
    write: (element, value, injector) => setProperty(element, 'due', value, injector),
    process: (element) => (processOf(bo(element)) || {}).id,
  },
  timer: {
    read: (element) => {
      const definition = timerDefinition(element);
      return ((definition[timerExpression(definition)] || {}).body || '').trim();
    },
    write: writeTimer,
    process: (element) => (processOf(bo(element)) || {}).id,
  },
};

function ConditionEntry({ element, id }) {
  const t = useDondoc().labels;
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return TextAreaEntry({
    element, id, label: t.condition, description: t.conditionHelp, debounce, rows: 2, monospace: true,
    getValue: () => (bo(element).conditionExpression || {}).body || '',
    setValue: (value) => setBody(element, bo(element), 'conditionExpression', (value || '').trim(), injector),
  });
}

function DefaultFlowEntry({ element, id }) {
  const t = useDondoc().labels;
  const injector = useService('injector');
  const gateway = () => injector.get('elementRegistry').get(bo(element).sourceRef.id);
  return CheckboxEntry({
    element, id, label: t.defaultFlow,
    getValue: () => bo(element).sourceRef.default === bo(element),
    setValue: (checked) => injector.get('modeling').updateProperties(gateway(), {
      default: checked ? bo(element) : undefined,
    }),
  });
}

function ScriptEntry({ element, id }) {
  const t = useDondoc().labels;
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return TextAreaEntry({
    element, id, label: t.script, description: t.scriptHelp, debounce, rows: 4, monospace: true,
    getValue: () => bo(element).script || '',
    setValue: (value) => injector.get('modeling').updateProperties(element, { scriptFormat: 'python', script: value }),
  });
}

function CalledElementEntry({ element, id }) {
  const dondoc = useDondoc();
  const injector = useService('injector');
  return SelectEntry({
    element, id, label: dondoc.labels.calledProcess,
    getValue: () => bo(element).calledElement || '',
    setValue: (value) => injector.get('modeling').updateProperties(element, { calledElement: value }),
    getOptions: () => [{ value: '', label: '—' }].concat(dondoc.processes.map((p) => ({
      value: p, label: (dondoc.processNames || {})[p] || p,
    }))),
  });
}

function processOf(business) {
  let current = business.$parent;
  while (current && !is(current, 'bpmn:Process')) current = current.$parent;
  return current;
}

function entry(id, component, isEdited) {
  return (element) => ({ id, element, component, isEdited });
}

function groupsFor(element, t, forms) {
  const business = bo(element);
  const groups = [];
  if (is(business, 'bpmn:UserTask')) {
    groups.push({ id: 'dondoc-user-task', label: t.userTaskGroup, entries: [
      entry('dondoc-lane', LaneEntry, isSelectEntryEdited),
      entry('dondoc-formKey', propertyEntry('formKey', 'form'), isSelectEntryEdited),
      entry('dondoc-unit', propertyEntry('unit'), isTextFieldEntryEdited),
      entry('dondoc-urging', propertyEntry('urging', 'urging'), isSelectEntryEdited),
      entry('dondoc-instructions', InstructionsEntry, isTextAreaEntryEdited),
    ].map((make) => make(element)) });
  }
  if (is(business, 'bpmn:UserTask') && forms) groups.push(deadlineGroup(element, 'due', ACCESS.due, forms));
  if (timerDefinition(element) && forms) groups.push(deadlineGroup(element, 'timer', ACCESS.timer, forms));
  if (is(business, 'bpmn:SequenceFlow') && is(business.sourceRef, 'bpmn:ExclusiveGateway')) {
    groups.push({ id: 'dondoc-condition', label: t.conditionGroup, entries: [
      entry('dondoc-condition-expression', ConditionEntry, isTextAreaEntryEdited),
      entry('dondoc-default-flow', DefaultFlowEntry, isCheckboxEntryEdited),
    ].map((make) => make(element)) });
  }
  if (is(business, 'bpmn:ScriptTask')) {
    groups.push({ id: 'dondoc-script', label: t.scriptGroup,
      entries: [entry('dondoc-script-body', ScriptEntry, isTextAreaEntryEdited)(element)] });
  }
  if (is(business, 'bpmn:CallActivity')) {
    groups.push({ id: 'dondoc-call', label: t.callGroup,
      entries: [entry('dondoc-called-element', CalledElementEntry, isSelectEntryEdited)(element)] });
  }
  return groups;
}

function DondocPropertiesProvider(propertiesPanel, config, translate) {
  const labels = (config && config.labels) || {};
  propertiesPanel.registerProvider(400, {
    getGroups: (element) => (groups) => {
      const ours = groupsFor(element, labels, config && config.deadlineForms);
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general + 1, 0, ...ours);
      // A group's own markers ("contains edits") use the page's language only if given translate.
      return groups.map((group) => ({ translate, ...group }));
    },
  });
}
DondocPropertiesProvider.$inject = ['propertiesPanel', 'config.dondoc', 'translate'];

export default {
  __init__: ['dondocPropertiesProvider'],
  dondocPropertiesProvider: ['type', DondocPropertiesProvider],
};
