// Work item and register forms:
// - fields with data-show-if="name=value" are shown only while that field holds that value,
//   with data-show-if="name" while it holds any value, and while it is itself shown
//   (engine/forms asks for them under the same rule);
// - a second click on a submit button does nothing (the server refuses a double submit
//   anyway, this only spares the user the message), and the clicked button with a data-busy
//   text says it while the request runs (classifying a notice of a hundred tasks takes seconds);
// - a file larger than an attachment may be (data-max-bytes) is refused on its input, named, before
//   sending: past the request's cap the server could only answer 413, and the typed fields were lost.
(function () {
  function valueOf(form, name) {
    var el = form.querySelector('[name="' + name + '"]:checked') ||
      form.querySelector('select[name="' + name + '"], textarea[name="' + name + '"], input[name="' + name +
        '"]:not([type=checkbox]):not([type=radio])');
    return el ? el.value.trim() : '';
  }
  document.querySelectorAll('form.form').forEach(function (form) {
    var dependants = form.querySelectorAll('[data-show-if]');
    function refresh() {
      dependants.forEach(function (el) {  // in document order: a controlling field comes first
        var parts = el.getAttribute('data-show-if').split('=');
        var control = form.querySelector('[name="' + parts[0].trim() + '"]');
        var controlBox = control ? control.closest('[data-show-if]') : null;
        var value = valueOf(form, parts[0].trim());
        el.hidden = (controlBox !== null && controlBox.hidden) ||
          (parts.length > 1 ? value !== parts[1].trim() : value === '');
      });
    }
    form.querySelectorAll('input[type=file][data-max-bytes]').forEach(function (input) {
      input.addEventListener('change', function () {
        var big = Array.prototype.find.call(input.files, function (f) {
          return f.size > Number(input.getAttribute('data-max-bytes'));
        });
        input.setCustomValidity(big ? input.getAttribute('data-too-large').replace('{name}', big.name) : '');
        if (big) input.reportValidity();
      });
    });
    form.addEventListener('change', refresh);
    form.addEventListener('input', refresh);
    refresh();
    form.addEventListener('submit', function (event) {
      var tooLarge = form.querySelector('input[type=file][data-max-bytes]:invalid');  // also where novalidate
      if (tooLarge) {
        event.preventDefault();
        tooLarge.reportValidity();
        return;
      }
      // After this event the browser has read the clicked button's name; disabling now is safe.
      var clicked = event.submitter;
      setTimeout(function () {
        form.querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = true; });
        if (clicked && clicked.hasAttribute('data-busy')) {
          clicked.textContent = clicked.getAttribute('data-busy');
          clicked.setAttribute('aria-busy', 'true');
        }
      }, 0);
    });
  });
})();
