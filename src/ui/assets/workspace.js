// Progressive enhancement for the workspace; every page works without it.
// 1. Intake forms save the draft as you type (a dropped connection loses nothing typed so far).
// 2. Long pick lists get a filter box.
(function () {
  'use strict';
  var forms = document.querySelectorAll('form[data-autosave]');
  Array.prototype.forEach.call(forms, function (form) {
    var status = form.querySelector('.autosave-status');
    var timer = null;
    var dirty = false;
    function say(text) {
      if (status) status.textContent = text;
    }
    function save() {
      timer = null;
      if (!dirty) return;
      dirty = false;
      var data = new URLSearchParams(new FormData(form));
      var token = form.querySelector('input[name=_csrf]');
      fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-autosave': '1', 'x-csrf-token': token ? token.value : '' },
        body: data.toString(),
      }).then(
        function (res) {
          if (!res.ok) throw new Error(String(res.status));
          var now = new Date();
          var time = ('0' + now.getHours()).slice(-2) + ':' + ('0' + now.getMinutes()).slice(-2);
          say((status && status.getAttribute('data-saved') || '').replace('{time}', time));
        },
        function () {
          dirty = true;
          say(status && status.getAttribute('data-failed') || '');
          if (!timer) timer = setTimeout(save, 10000);
        },
      );
    }
    function changed() {
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 1500);
    }
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    window.addEventListener('online', function () {
      if (dirty) save();
    });
  });

  var selects = document.querySelectorAll('select[data-filter]');
  Array.prototype.forEach.call(selects, function (select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'filter-input';
    var name = select.getAttribute('data-filter') || '';
    input.placeholder = name;
    input.setAttribute('aria-label', (label ? label.firstChild.textContent.trim() + ': ' : '') + name);
    input.setAttribute('aria-controls', select.id);
    select.parentNode.insertBefore(input, select);
    function fold(s) {
      return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    }
    input.addEventListener('input', function () {
      var q = fold(input.value.trim());
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = q !== '' && o.value !== '' && fold(o.textContent).indexOf(q) === -1;
      });
      Array.prototype.forEach.call(select.querySelectorAll('optgroup'), function (g) {
        var any = Array.prototype.some.call(g.children, function (o) {
          return !o.hidden;
        });
        g.hidden = !any;
      });
    });
  });
})();
