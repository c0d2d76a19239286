// bpmnlint rules for what the dondoc engine needs (engine/rulesets/loader.py checks the same
// on the server when saving; these give the feedback while editing).
import { is } from 'bpmnlint-utils';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows';

function processOf(node) {
  let current = node.$parent;
  while (current && !is(current, 'bpmn:Process')) {
    current = current.$parent;
  }
  return current;
}

export function laneOf(node) {
  const process = processOf(node);
  const lanes = [];
  (process && process.laneSets || []).forEach((set) => collectLanes(set, lanes));
  return lanes.find((lane) => (lane.flowNodeRef || []).includes(node));
}

export function collectLanes(laneSet, out) {
  (laneSet && laneSet.lanes || []).forEach((lane) => {
    out.push(lane);
    collectLanes(lane.childLaneSet, out);
  });
  return out;
}

export function extensionValue(bo, type) {
  const values = bo.extensionElements && bo.extensionElements.values || [];
  return values.find((value) => is(value, type));
}

export function propertyValue(bo, name) {
  const props = extensionValue(bo, 'spiffworkflow:Properties');
  const prop = props && (props.values || []).find((p) => p.name === name);
  return prop ? prop.value : undefined;
}

function rule(check) {
  return (config) => ({ check: (node, reporter) => check(node, reporter, config || {}) });
}

const userTaskLane = rule((node, reporter, config) => {
  if (!is(node, 'bpmn:UserTask')) return;
  const lane = laneOf(node);
  const t = config.labels || {};
  if (!lane) {
    reporter.report(node.id, t.noLane);
  } else if (!(config.lanes || {})[lane.name]) {
    reporter.report(node.id, `${t.laneNoRole} «${lane.name}»`);
  }
});

const userTaskForm = rule((node, reporter, config) => {
  if (!is(node, 'bpmn:UserTask')) return;
  const formKey = propertyValue(node, 'formKey');
  const t = config.labels || {};
  if (!formKey) {
    reporter.report(node.id, t.noFormKey);
  } else if (!(config.forms || []).includes(formKey)) {
    reporter.report(node.id, `${t.unknownForm} «${formKey}»`);
  }
});

// `urging` absent leaves the step to the late-step rule; present, it must be a value the server accepts
// (config.urging: the page's, webui/modeler/labels.py urging_choices), as a hand-written file may carry another.
const userTaskUrging = rule((node, reporter, config) => {
  if (!is(node, 'bpmn:UserTask')) return;
  const value = propertyValue(node, 'urging');
  if (value !== undefined && !Object.keys(config.urging || {}).includes(value)) {
    reporter.report(node.id, `${(config.labels || {}).unknownUrging} «${value}»`);
  }
});

const gatewayDefault = rule((node, reporter, config) => {
  if (is(node, 'bpmn:ExclusiveGateway') && (node.outgoing || []).length > 1 && !node.default) {
    reporter.report(node.id, (config.labels || {}).gatewayDefault);
  }
});

const conditionPresent = rule((node, reporter, config) => {
  const source = node.sourceRef;
  if (is(node, 'bpmn:SequenceFlow') && is(source, 'bpmn:ExclusiveGateway') && (source.outgoing || []).length > 1
      && source.default !== node && !(node.conditionExpression && node.conditionExpression.body)) {
    reporter.report(node.id, (config.labels || {}).noCondition);
  }
});

// Timer text is a Python expression, or an ISO-8601 date, duration or cycle (the server
// quotes those on load), so only an empty timer is flagged here.
const timerExpression = rule((node, reporter, config) => {
  if (!is(node, 'bpmn:TimerEventDefinition')) return;
  const expression = node.timeDate || node.timeDuration || node.timeCycle;
  if (!(expression && (expression.body || '').trim())) {
    reporter.report(node.$parent.id, (config.labels || {}).noTimer);
  }
});

const noImport = rule((node, reporter, config) => {
  const code = is(node, 'bpmn:ScriptTask') ? node.script
    : is(node, 'bpmn:SequenceFlow') && node.conditionExpression ? node.conditionExpression.body : null;
  if (code && /(^|\n|;)\s*(import|from)\s+\w/.test(code)) {
    reporter.report(node.id, (config.labels || {}).noImport);
  }
});

const calledElement = rule((node, reporter, config) => {
  if (is(node, 'bpmn:CallActivity') && !(config.processes || []).includes(node.calledElement)) {
    reporter.report(node.id, `${(config.labels || {}).unknownProcess} «${node.calledElement || ''}»`);
  }
});

const RULES = {
  'bpmnlint/no-disconnected': noDisconnected,
  'bpmnlint/start-event-required': startEventRequired,
  'bpmnlint/end-event-required': endEventRequired,
  'bpmnlint/no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'bpmnlint-plugin-dondoc/user-task-lane': userTaskLane,
  'bpmnlint-plugin-dondoc/user-task-form': userTaskForm,
  'bpmnlint-plugin-dondoc/user-task-urging': userTaskUrging,
  'bpmnlint-plugin-dondoc/gateway-default': gatewayDefault,
  'bpmnlint-plugin-dondoc/condition-present': conditionPresent,
  'bpmnlint-plugin-dondoc/timer-expression': timerExpression,
  'bpmnlint-plugin-dondoc/no-import': noImport,
  'bpmnlint-plugin-dondoc/called-element': calledElement,
};

/** The { config, resolver } bpmn-js-bpmnlint expects; `ruleset` carries lanes, forms, processes, urging, labels. */
export function lintConfig(ruleset) {
  const rules = {};
  Object.keys(RULES).forEach((key) => {
    const [pkg, name] = key.split('/');
    const id = pkg === 'bpmnlint' ? name : `dondoc/${name}`;
    rules[id] = pkg === 'bpmnlint' ? 'warn' : ['error', ruleset];
  });
  return {
    config: { rules },
    resolver: {
      resolveRule: (pkg, name) => RULES[`${pkg}/${name}`],
      resolveConfig: () => null,
    },
  };
}
