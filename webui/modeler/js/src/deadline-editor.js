// The due date of a user task and the moment a timer fires, as shapes a process admin picks
// ("3 ngày làm việc kể từ khi giao việc", "trong ngày", "trước ngày 20 của kỳ") instead of
// writing Python; the expression stays editable for experts. The shapes and their words come
// from the server (webui/modeler/deadlines.py over engine/rulesets/deadline_forms.py).
import {
  SelectEntry, TextAreaEntry, TextFieldEntry, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { useMemo } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';
import { kindOf, parse, refusals, render } from './deadline-shapes';

// Elements (id:target) whose admin chose the raw expression although it reads as a shape.
const rawChosen = new Set();
const components = {};

function useForms() {
  return useService('config.dondoc').deadlineForms;
}

function stateOf(forms, element, target, access) {
  const expression = access.read(element);
  const key = `${element.id}:${target}`;
  return { expression, key, shape: rawChosen.has(key) ? null : parse(forms, expression, target) };
}

// The panel draws its groups again when the element changes: also when only the mode did.
function redraw(injector, element) {
  injector.get('eventBus').fire('elements.changed', { elements: [element] });
}

function baseOptions(forms, kind, shape, element, access) {
  const process = access.process(element);
  const fields = forms.fields.filter((field) => field.processes.includes(process));
  const options = (kind.events ? forms.events : []).concat(fields.length ? fields : forms.fields);
  if (shape.base && !options.some((option) => option.value === shape.base)) {
    options.push({ value: shape.base, label: `${forms.labels.dataField} ${shape.base}` });
  }
  return options;
}

// The shape a newly chosen kind starts from: what the previous shape had, where it fits.
function startingShape(forms, kind, was, element, access) {
  const shape = { kind: kind.id };
  if (kind.base) {
    const options = baseOptions(forms, kind, {}, element, access);
    shape.base = (was && options.some((o) => o.value === was.base) ? was.base : options[0].value);
  }
  if (kind.number && kind.settings && was && was.setting) shape.setting = was.setting;
  else if (kind.number) shape.n = (was && was.n) || 1;
  if (kind.period) {
    shape.period = (was && was.period) || forms.periods[0].value;
    shape.day = (was && was.day) || 20;
  }
  return shape;
}

function lowerFirst(text) {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

// The shape in words: "3 ngày làm việc kể từ khi giao việc (lúc bước này bắt đầu)".
function inWords(forms, shape, element, access) {
  const kind = kindOf(forms, shape.kind);
  const setting = forms.settings.find((s) => s.value === shape.setting);
  const n = setting ? `${setting.days ?? '?'} (${setting.label})` : String(shape.n);
  let text = kind.label.replace(/\bN\b/, n).replace(/\bD\b/, String(shape.day));
  if (kind.base) {
    const base = baseOptions(forms, kind, shape, element, access).find((o) => o.value === shape.base);
    text += ` ${lowerFirst(base.label)}`;
  }
  if (kind.period) text += ` (${(forms.periods.find((p) => p.value === shape.period) || {}).label})`;
  return text;
}

// An entry that changes one part of the shape and writes the expression it renders.
function useShape(target, access, element) {
  const forms = useForms();
  const injector = useService('injector');
  const now = () => stateOf(forms, element, target, access).shape || {};
  const write = (patch) => access.write(element, render(forms, { ...now(), ...patch }, target), injector, true);
  return { forms, injector, now, write, t: forms.labels };
}

// The check of a number field (N or D), made once per element: the panel checks the shown
// value again whenever the check changes, which would clear the refusal just shown.
function useNumberCheck(forms, now, target, field, element) {
  return useMemo(() => (text) => {
    const value = /^\s*\d+\s*$/.test(text || '') ? parseInt(text, 10) : NaN;
    return refusals(forms, { ...now(), [field]: value }, target)[field] || null;
  }, [element]);
}

const ENTRIES = {
  kind: [isSelectEntryEdited, (target, access) => function DeadlineKindEntry({ element, id }) {
    const { forms, injector, t } = useShape(target, access, element);
    const state = stateOf(forms, element, target, access);
    return SelectEntry({
      element, id, label: t.kind,
      description: state.shape ? inWords(forms, state.shape, element, access) : '',
      getValue: () => (stateOf(forms, element, target, access).shape || {}).kind || '',
      setValue: (value) => {
        const { key, expression } = stateOf(forms, element, target, access);
        if (value) {
          rawChosen.delete(key);
          const shape = startingShape(forms, kindOf(forms, value), parse(forms, expression, target), element, access);
          access.write(element, render(forms, shape, target), injector, true);
        } else {
          rawChosen.add(key);
        }
        redraw(injector, element);
      },
      getOptions: () => [{ value: '', label: t.raw }].concat(
        forms.kinds.filter((kind) => kind[target]).map((kind) => ({ value: kind.id, label: kind.label }))),
    });
  }],
  base: [isSelectEntryEdited, (target, access) => function DeadlineBaseEntry({ element, id }) {
    const { forms, now, write, t } = useShape(target, access, element);
    return SelectEntry({
      element, id, label: t.base,
      getValue: () => now().base || '',
      setValue: (base) => write({ base }),
      getOptions: () => baseOptions(forms, kindOf(forms, now().kind), now(), element, access),
    });
  }],
  'n-source': [isSelectEntryEdited, (target, access) => function DeadlineNumberSourceEntry({ element, id }) {
    const { forms, now, write, t } = useShape(target, access, element);
    return SelectEntry({
      element, id, label: t.nSource,
      getValue: () => now().setting || '',
      setValue: (setting) => write(setting ? { setting, n: undefined } : { setting: undefined, n: now().n || 1 }),
      getOptions: () => [{ value: '', label: t.typed }].concat(forms.settings.map((s) => ({
        value: s.value, label: `${t.setting}: ${s.label} (${s.days ?? t.unset}${s.days === null ? '' : ` ${t.workingDays}`})`,
      }))),
    });
  }],
  n: [isTextFieldEntryEdited, (target, access) => function DeadlineNumberEntry({ element, id }) {
    const { forms, now, write } = useShape(target, access, element);
    const debounce = useService('debounceInput');
    return TextFieldEntry({
      element, id, label: kindOf(forms, now().kind).number, debounce,
      getValue: () => String(now().n ?? ''),
      validate: useNumberCheck(forms, now, target, 'n', element),
      setValue: (text, error) => { if (!error) write({ n: parseInt(text, 10) }); },
    });
  }],
  period: [isSelectEntryEdited, (target, access) => function DeadlinePeriodEntry({ element, id }) {
    const { forms, now, write, t } = useShape(target, access, element);
    return SelectEntry({
      element, id, label: t.period,
      getValue: () => now().period || '',
      setValue: (period) => write({ period }),
      getOptions: () => forms.periods,
    });
  }],
  day: [isTextFieldEntryEdited, (target, access) => function DeadlineDayEntry({ element, id }) {
    const { forms, now, write, t } = useShape(target, access, element);
    const debounce = useService('debounceInput');
    return TextFieldEntry({
      element, id, label: t.day, debounce,
      getValue: () => String(now().day ?? ''),
      validate: useNumberCheck(forms, now, target, 'day', element),
      setValue: (text, error) => { if (!error) write({ day: parseInt(text, 10) }); },
    });
  }],
  expression: [isTextAreaEntryEdited, (target, access) => function DeadlineExpressionEntry({ element, id }) {
    const forms = useForms();
    const injector = useService('injector');
    const debounce = useService('debounceInput');
    return TextAreaEntry({
      element, id, label: forms.labels.raw, description: forms.labels.rawHelp, debounce, rows: 2, monospace: true,
      getValue: () => access.read(element),
      setValue: (value) => access.write(element, (value || '').trim(), injector, false),
    });
  }],
};

// One component per entry and target, made once: a new one on every redraw would lose the
// focus of the field being typed in.
function component(name, target, access) {
  const key = `${target}:${name}`;
  components[key] = components[key] || ENTRIES[name][1](target, access);
  return components[key];
}

// The group for `target` ("due": a user task's due property; "timer": a timer's timeDate).
// `access` reads and writes the expression ({read, write(element, value, injector, isShape),
// process}: the process id, whose data fields are offered); the same for every call of a target.
export function deadlineGroup(element, target, access, forms) {
  const { shape } = stateOf(forms, element, target, access);
  const kind = shape && kindOf(forms, shape.kind);
  const names = ['kind'];
  if (kind && kind.base) names.push('base');
  if (kind && kind.number && kind.settings) names.push('n-source');
  if (kind && kind.number && !shape.setting) names.push('n');
  if (kind && kind.period) names.push('period', 'day');
  names.push('expression');
  return {
    id: `dondoc-${target}`,
    label: target === 'due' ? forms.labels.dueGroup : forms.labels.timerGroup,
    entries: names.map((name) => ({
      id: `dondoc-${target}-${name}`, element, component: component(name, target, access), isEdited: ENTRIES[name][0],
    })),
  };
}
