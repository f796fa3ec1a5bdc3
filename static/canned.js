// Canned answers on a ticket's page; the page works the same without it.
// Without JavaScript, "Insert" reloads the page with the reply started from the answer.
// With it, a search box narrows the answers as the agent types, and "Insert" puts the
// chosen one, its placeholders already filled by the server, where the reply's cursor is,
// keeping what was typed; the reply then counts it as used.
(function () {
  'use strict';

  function setUp(picker) {
    var select = picker.querySelector('select[name=canned]');
    var replyForm = document.querySelector('form.reply-form');
    var reply = replyForm && replyForm.querySelector('textarea[name=body]');
    if (!select || !reply) {
      return;
    }
    var search = document.createElement('input');
    search.type = 'search';
    search.className = 'canned-search';
    search.placeholder = picker.dataset.searchLabel;
    search.setAttribute('aria-label', picker.dataset.searchLabel);
    select.parentNode.insertBefore(search, select);
    search.addEventListener('input', function () {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var haystack = (option.textContent + ' ' + option.dataset.text).toLowerCase();
        var shown = words.every(function (word) { return haystack.indexOf(word) !== -1; });
        option.hidden = !shown;
        option.disabled = !shown;
        if (shown && first === null) {
          first = option;
        }
      });
      if (first && select.selectedOptions[0] && select.selectedOptions[0].hidden) {
        select.value = first.value;
      }
    });
    picker.addEventListener('submit', function (event) {
      var option = select.selectedOptions[0];
      if (!option || option.disabled) {
        event.preventDefault();
        return;
      }
      event.preventDefault();
      var text = option.dataset.text;
      var start = reply.selectionStart;
      reply.value = reply.value.slice(0, start) + text + reply.value.slice(reply.selectionEnd);
      reply.focus();
      reply.selectionStart = reply.selectionEnd = start + text.length;
      var used = replyForm.querySelector('input[name=canned][value="' + option.value + '"]');
      if (!used) {
        used = document.createElement('input');
        used.type = 'hidden';
        used.name = 'canned';
        used.value = option.value;
        replyForm.appendChild(used);
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('form.canned-picker'), setUp);
})();
