// The knowledge base in forms; the pages work the same without it.
// - Contact form: articles matching the subject appear as the customer types (the server
//   renders them; the "Find answers" button does the same with a round trip).
// - Ticket page: "Insert link" puts the article's line into the reply where the cursor is,
//   instead of a round trip.
(function () {
  'use strict';

  var DELAY_MS = 300;

  function contactSuggestions() {
    var box = document.getElementById('kb-suggestions');
    var subject = document.getElementById('subject');
    if (!box || !subject || !window.fetch) {
      return;
    }
    var button = document.querySelector('button.kb-suggest');
    if (button) {
      button.hidden = true;
    }
    var timer = null;
    var asked = 0;
    subject.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var ask = ++asked;
        var url = box.dataset.url + '?subject=' + encodeURIComponent(subject.value);
        fetch(url, { credentials: 'same-origin' })
          .then(function (response) { return response.ok ? response.text() : null; })
          .then(function (html) {
            // Only the answer to the newest question counts.
            if (html !== null && ask === asked) {
              box.innerHTML = html;
            }
          })
          .catch(function () {});
      }, DELAY_MS);
    });
  }

  function insertLinks() {
    document.addEventListener('click', function (event) {
      var button = event.target.closest('[data-kb-insert]');
      if (!button) {
        return;
      }
      var reply = button.form && button.form.querySelector('textarea[name=body]');
      if (!reply) {
        return;
      }
      event.preventDefault();
      var line = button.dataset.kbInsert;
      var start = reply.selectionStart;
      var before = reply.value.slice(0, start);
      if (before && !/\n$/.test(before)) {
        line = '\n' + line;
      }
      reply.value = before + line + '\n' + reply.value.slice(reply.selectionEnd);
      reply.focus();
      reply.selectionStart = reply.selectionEnd = start + line.length + 1;
    });
  }

  contactSuggestions();
  insertLinks();
})();
