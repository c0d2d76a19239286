// A <select multiple> (units, people) becomes a searchable list: type to filter, click or Enter
// to choose or drop an option, the chosen ones shown as chips with a remove button. The select
// stays in the form (hidden) and holds the choice, so the server reads it as before; without
// script the plain select works. Keyboard: ↓/↑ move, Enter chooses, Esc clears the filter,
// Backspace in an empty filter drops the last chip. Texts come from <body data-ms-…> (base.html).
(function () {
  var texts = document.body.dataset;
  var made = 0;

  function enhance(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = 'yes';
    made += 1;
    var id = 'ms' + made;
    var box = document.createElement('div');
    box.className = 'ms';
    box.innerHTML = '<ul class="ms-chips"></ul><input class="ms-filter" type="text" role="combobox" ' +
      'autocomplete="off" aria-autocomplete="list" aria-expanded="true"><ul class="ms-list" role="listbox" ' +
      'aria-multiselectable="true"></ul>';
    var chips = box.querySelector('.ms-chips');
    var input = box.querySelector('input');
    var list = box.querySelector('.ms-list');
    input.id = id + '-filter';
    input.placeholder = texts.msFilter || '';
    list.id = id + '-list';
    input.setAttribute('aria-controls', list.id);
    label(select, input);
    var hint = select.parentNode.querySelector('.ctrl-hint');
    if (hint) hint.hidden = true;
    var none = document.createElement('li');
    none.className = 'ms-none';
    none.textContent = texts.msNone || '';
    list.appendChild(none);
    var options = [], items = [];
    // The list mirrors the select's enabled options; read again when a script changes them ("ms:options":
    // the register form's units of an issue date).
    function build() {
      items.forEach(function (li) { li.remove(); });
      options = Array.prototype.filter.call(select.options, function (o) { return !o.disabled; });
      items = options.map(function (option, i) {
        var li = document.createElement('li');
        li.id = id + '-o' + i;
        li.setAttribute('role', 'option');
        li.textContent = option.textContent.trim();
        li.style.paddingLeft = (0.5 + 0.8 * (option.textContent.length - option.textContent.trimStart().length) / 2) + 'rem';
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); });  // keep the focus in the filter
        li.addEventListener('click', function () { toggle(i); input.focus(); });
        list.insertBefore(li, none);
        return li;
      });
    }
    build();
    var active = -1;

    function shown() { return items.filter(function (li) { return !li.hidden; }); }
    function setActive(li) {
      items.forEach(function (other) { other.classList.toggle('active', other === li); });
      active = li ? items.indexOf(li) : -1;
      if (li) { input.setAttribute('aria-activedescendant', li.id); li.scrollIntoView({block: 'nearest'}); }
      else input.removeAttribute('aria-activedescendant');
    }
    function toggle(i) {
      options[i].selected = !options[i].selected;
      select.dispatchEvent(new Event('change', {bubbles: true}));
      render();
    }
    function render() {
      chips.textContent = '';
      options.forEach(function (option, i) {
        items[i].setAttribute('aria-selected', String(option.selected));
        if (!option.selected) return;
        var chip = document.createElement('li');
        chip.textContent = items[i].textContent;
        var drop = document.createElement('button');
        drop.type = 'button';
        drop.textContent = '×';
        drop.setAttribute('aria-label', (texts.msRemove || '') + ' ' + items[i].textContent);
        drop.addEventListener('click', function () { toggle(i); input.focus(); });
        chip.appendChild(drop);
        chips.appendChild(chip);
      });
    }
    function filter() {
      var words = input.value.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      items.forEach(function (li) {
        var text = li.textContent.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
        li.hidden = words !== '' && text.indexOf(words) === -1;
      });
      none.hidden = shown().length > 0;
      setActive(shown()[0] && words !== '' ? shown()[0] : null);
    }
    input.addEventListener('input', filter);
    input.addEventListener('keydown', function (ev) {
      var visible = shown();
      var at = visible.indexOf(items[active]);
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        var step = ev.key === 'ArrowDown' ? 1 : -1;
        setActive(visible[Math.min(Math.max(at + step, 0), visible.length - 1)] || null);
      } else if (ev.key === 'Enter' && active >= 0) {
        ev.preventDefault();  // choosing, not sending the form
        toggle(active);
      } else if (ev.key === 'Escape' && input.value) {
        ev.preventDefault();
        input.value = '';
        filter();
      } else if (ev.key === 'Backspace' && !input.value) {
        var chosen = options.filter(function (o) { return o.selected; });
        if (chosen.length) toggle(options.indexOf(chosen[chosen.length - 1]));
      }
    });
    // Inside a <label>, a click would also "activate" the label's first control (a chip's
    // remove button): the box keeps its clicks to itself.
    box.addEventListener('click', function (ev) {
      if (ev.target !== input) { ev.preventDefault(); input.focus(); }
    });
    select.hidden = true;
    select.parentNode.insertBefore(box, select);
    select.addEventListener('ms:options', function () { build(); render(); filter(); });
    render();
    filter();
  }

  // The filter box takes over the select's label: a <label for> is pointed at it; a label
  // around the select gives the box its own words (not the chips and options inside it).
  function label(select, input) {
    var outer = select.closest('label');
    if (outer) input.setAttribute('aria-label', ownWords(outer).replace(/\s+/g, ' ').trim());
    if (!select.id) return;   // no <label for> can name it (`select.labels` searched the whole form for each row)
    document.querySelectorAll('label[for="' + CSS.escape(select.id) + '"]').forEach(function (l) {
      l.htmlFor = input.id;
    });
  }

  // The label's text outside its select, hints and list: walked, not cloned (a clone copied a select of hundreds of
  // units for each row the register form adds)
  function ownWords(outer) {
    var walker = document.createTreeWalker(outer, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, function (node) {
      return node.nodeType === Node.ELEMENT_NODE && node.matches('select, small, .ms') ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT;
    });
    var words = '';
    while (walker.nextNode()) if (walker.currentNode.nodeType === Node.TEXT_NODE) words += walker.currentNode.data;
    return words;
  }

  function enhanceAll(root) {
    root.querySelectorAll('select[multiple]').forEach(enhance);
  }
  enhanceAll(document);
  // Rows added later (the register form's "add an assignment") get the same list.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) { if (node.querySelectorAll) enhanceAll(node); });
    });
  }).observe(document.body, {childList: true, subtree: true});
})();
