// Deadline shapes <-> expressions, from the description the server sends (engine/rulesets/
// deadline_forms.py: its templates and patterns are the one mapping; tests/modeler/
// test_deadline_editor.py checks that this file reads every expression as the server does).
// An expression is a shape only when rendering the shape gives back the same text.
const PLACEHOLDER = /\{(base|n|period|day)\}/g;
const SETTING = /^setting\("deadlines\.([a-z_]+)"\)$/;

export function kindOf(forms, id) {
  return forms.kinds.find((kind) => kind.id === id);
}

export function render(forms, shape, target) {
  const n = shape.setting ? `setting("deadlines.${shape.setting}")` : String(shape.n);
  const values = { base: shape.base || '', n, period: shape.period || '', day: String(shape.day) };
  return kindOf(forms, shape.kind)[target].replace(PLACEHOLDER, (_whole, name) => values[name]);
}

function regexOf(forms, template) {
  const parts = template.split(/\{(base|n|period|day)\}/);  // literal, name, literal, …
  const escaped = parts.map((part, i) => (i % 2 ? `(${forms.patterns[part]})`
    : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('')}$`);
}

function shapeOf(kind, names, values) {
  const found = Object.fromEntries(names.map((name, i) => [name, values[i]]));
  const shape = { kind: kind.id };
  if ('base' in found) shape.base = found.base;
  if ('n' in found) {
    const setting = SETTING.exec(found.n);
    if (setting) shape.setting = setting[1];
    else shape.n = parseInt(found.n, 10);
  }
  if ('period' in found) shape.period = found.period;
  if ('day' in found) shape.day = parseInt(found.day, 10);
  return shape;
}

export function parse(forms, expression, target) {
  const text = (expression || '').trim();
  for (const kind of forms.kinds) {
    const template = kind[target];
    const match = template && regexOf(forms, template).exec(text);
    if (match) {
      const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
      const shape = shapeOf(kind, names, match.slice(1));
      if (render(forms, shape, target) === text && Object.keys(refusals(forms, shape, target)).length === 0) {
        return shape;
      }
    }
  }
  return null;
}

export function format(message, params) {
  return message.replace(/%\((\w+)\)s/g, (_whole, name) => String(params[name]));
}

function whole(value, [min, max]) {
  return Number.isInteger(value) && value >= min && value <= max;
}

// {field: message} for what is wrong with `shape`, as the server's `refusals` words it; a
// setting must be one the ruleset sets (the description lists only those).
export function refusals(forms, shape, target) {
  const kind = kindOf(forms, shape.kind);
  const m = forms.messages;
  if (!kind || !kind[target]) return { kind: m.kind };
  const found = {};
  const isEvent = forms.events.some((event) => event.value === shape.base);
  if (kind.base && (!new RegExp(`^(?:${forms.patterns.base})$`).test(shape.base || '') || (!kind.events && isEvent))) {
    found.base = m.base;
  }
  if (kind.number && !shape.setting && !whole(shape.n, forms.limits.n)) {
    found.n = format(m.n, { field: kind.number, max: forms.limits.n[1] });
  }
  if (shape.setting && !(kind.settings && forms.settings.some((s) => s.value === shape.setting))) {
    found.setting = format(m.setting, { field: kind.number });
  }
  if (kind.period && !forms.periods.some((p) => p.value === shape.period)) found.period = m.period;
  if (kind.period && !whole(shape.day, forms.limits.day)) {
    found.day = format(m.day, { min: forms.limits.day[0], max: forms.limits.day[1] });
  }
  return found;
}
