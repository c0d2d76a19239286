// The form builder (webui/formbuilder): fields added, removed and moved as cards; each card's
// condition offers the fields above it (the page shows fields in order); the whole form goes to
// the server as JSON, which checks it, writes the TOML and answers with the refused parts.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('builder-data').textContent);
  var list = document.getElementById('fields');
  var CHOICES = ['select', 'multiselect'];
  var TEXTS = ['text', 'textarea', 'document_symbol'];

  function cards() { return Array.prototype.slice.call(list.children); }
  function input(card, key) { return card.querySelector('[data-key="' + key + '"]'); }
  function value(card, key) {
    var el = input(card, key);
    return el.type === 'checkbox' ? el.checked : el.value.trim();
  }
  function fromTemplate(id) { return document.getElementById(id).content.firstElementChild.cloneNode(true); }

  function refresh() {
    cards().forEach(function (card, index) {
      card.querySelector('.field-number').textContent = (index + 1) + '.';
      card.querySelector('.field-title').textContent = value(card, 'label');
      var type = value(card, 'type');
      card.querySelector('.for-choice').hidden = CHOICES.indexOf(type) < 0;
      card.querySelector('.for-text').hidden = TEXTS.indexOf(type) < 0;
      var select = input(card, 'show_if_field');
      var current = select.dataset.current || select.value;
      select.dataset.current = '';
      while (select.options.length > 1) { select.remove(1); }
      cards().slice(0, index).forEach(function (above) {
        var name = value(above, 'name');
        if (name) { select.add(new Option(value(above, 'label') || name, name, false, name === current)); }
      });
      select.value = Array.prototype.some.call(select.options, function (o) { return o.value === current; }) ? current : '';
      offerValues(card, index, select.value);
    });
  }

  // The condition's value: the options of the field it reads, when that is a choice.
  function offerValues(card, index, name) {
    var datalist = card.querySelector('.control-values');
    datalist.id = 'control-values-' + index;
    input(card, 'show_if_value').setAttribute('list', datalist.id);
    input(card, 'show_if_value').disabled = !name;
    datalist.textContent = '';
    var control = cards().filter(function (c) { return value(c, 'name') === name; })[0];
    if (!control) { return; }
    control.querySelectorAll('.option-row').forEach(function (row) {
      datalist.appendChild(new Option(row.querySelector('[data-option=label]').value,
        row.querySelector('[data-option=value]').value));
    });
  }

  function collect() {
    return {
      title: document.getElementById('form-title').value,
      description: document.getElementById('form-description').value,
      submit_label: document.getElementById('form-submit-label').value,
      fields: cards().map(function (card) {
        var control = value(card, 'show_if_field');
        var expected = value(card, 'show_if_value');
        var type = value(card, 'type');
        return {
          was: card.dataset.was || '', name: value(card, 'name'), label: value(card, 'label'), type: type,
          required: value(card, 'required'), help: value(card, 'help'),
          max_length: TEXTS.indexOf(type) < 0 ? null : value(card, 'max_length'),
          options: CHOICES.indexOf(type) < 0 ? [] : Array.prototype.map.call(card.querySelectorAll('.option-row'),
            function (row) {
              return [row.querySelector('[data-option=value]').value, row.querySelector('[data-option=label]').value];
            }),
          show_if: control ? (expected ? control + '=' + expected : control) : ''
        };
      })
    };
  }

  // A renamed field: the conditions that read it follow the new name.
  list.addEventListener('focusin', function (event) {
    if (event.target.dataset.key === 'name') { event.target.dataset.before = event.target.value.trim(); }
  });
  list.addEventListener('change', function (event) {
    var before = event.target.dataset.before;
    if (event.target.dataset.key === 'name' && before) {
      cards().forEach(function (card) {
        if (input(card, 'show_if_field').value === before) { input(card, 'show_if_field').dataset.current = event.target.value.trim(); }
      });
      event.target.dataset.before = event.target.value.trim();
    }
    refresh();
  });
  list.addEventListener('input', function (event) {
    if (event.target.dataset.key === 'label') { refresh(); }
  });
  list.addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (!button) { return; }
    var card = button.closest('.field-card');
    if (button.classList.contains('move-up') && card.previousElementSibling) {
      list.insertBefore(card, card.previousElementSibling);
    } else if (button.classList.contains('move-down') && card.nextElementSibling) {
      list.insertBefore(card.nextElementSibling, card);
    } else if (button.classList.contains('remove-field')) {
      card.remove();
    } else if (button.classList.contains('add-option')) {
      card.querySelector('.option-list').appendChild(fromTemplate('option-template'));
    } else if (button.classList.contains('remove-option')) {
      button.closest('.option-row').remove();
    }
    refresh();
  });
  document.getElementById('add-field').addEventListener('click', function () {
    var card = fromTemplate('field-template');
    list.appendChild(card);
    refresh();
    input(card, 'label').focus();
  });
  document.getElementById('add-field').disabled = false;

  function showErrors(answer) {
    var box = document.getElementById('errors-box');
    var items = document.getElementById('errors');
    items.textContent = '';
    document.getElementById('errors-title').textContent = answer.error || '';
    (answer.errors || []).forEach(function (error) {
      var li = document.createElement('li');
      li.textContent = error.message;
      items.appendChild(li);
      markPart(error);
    });
    (answer.problems || []).forEach(function (problem) {
      var li = document.createElement('li');
      li.textContent = problem.file + (problem.line ? ':' + problem.line : '') + ' ' + problem.where +
        ' — ' + problem.message;
      items.appendChild(li);
    });
    box.hidden = false;
    box.scrollIntoView();
  }

  function markPart(error) {
    var parts = error.key.split('.');
    if (parts.length !== 3) {
      var head = document.querySelector('[data-part="' + parts[0] + '"]');
      if (head) { head.classList.add('invalid'); }
      return;
    }
    var card = cards()[Number(parts[1]) - 1];
    if (!card) { return; }
    var field = parts[2] === 'options' ? card.querySelector('.option-list') : input(card, parts[2]);
    if (field) { field.classList.add('invalid'); }
    var li = document.createElement('li');
    li.textContent = error.message;
    card.querySelector('.card-errors').appendChild(li);
  }

  function clearErrors() {
    document.querySelectorAll('.invalid').forEach(function (el) { el.classList.remove('invalid'); });
    document.querySelectorAll('.card-errors').forEach(function (el) { el.textContent = ''; });
  }

  document.getElementById('save').addEventListener('click', function () {
    var status = document.getElementById('status');
    clearErrors();
    status.textContent = data.saving;
    fetch(data.saveUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': data.csrf },
      body: JSON.stringify({ form: collect(), comment: document.getElementById('comment').value,
        target: document.getElementById('target').value })
    }).then(function (response) { return response.json(); }).then(function (answer) {
      if (answer.ok) { window.location = answer.versionUrl; return; }
      status.textContent = '';
      showErrors(answer);
    }).catch(function () { status.textContent = data.offline; });
  });

  refresh();
})();
