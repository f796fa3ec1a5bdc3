// Live chat: new lines of the chat reach the page through server-sent events (each
// event's id is the line's number, so a reconnecting EventSource resumes after the last
// one it had; a stream opened again by live.js, back from the back/forward cache, starts
// after the last line shown), and the visitor's form sends without leaving the page.
// Without this script the pages work by reloading.
(function () {
  'use strict';

  var lines = document.querySelector('[data-chat-lines]');
  if (!lines || !window.frontdeskLive) {
    return;
  }
  var lastLine = parseInt(lines.dataset.lastLine || '0', 10) || 0;

  function show(line) {
    lastLine = Math.max(lastLine, line.line);
    if (lines.querySelector('[data-line="' + line.line + '"]')) {
      return;
    }
    var article = document.createElement('article');
    article.className = 'message message-' + line.kind;
    article.setAttribute('data-line', String(line.line));
    var header = document.createElement('header');
    var author = document.createElement('strong');
    author.textContent = line.author || lines.dataset.you;
    header.appendChild(author);
    var body = document.createElement('div');
    body.className = 'body';
    body.textContent = line.body;
    article.appendChild(header);
    article.appendChild(body);
    lines.appendChild(article);
    article.scrollIntoView({ block: 'nearest' });
  }

  function showState(event) {
    var status = document.querySelector('[data-chat-state]');
    try {
      var state = JSON.parse(event.data).state;
      // Accepted or ended: the page says so in words and offers what fits.
      if (status && status.dataset.chatState !== state) {
        window.location.reload();
      }
    } catch (e) {
      // Left as it is until the next reload.
    }
  }

  window.frontdeskLive.follow(function () {
    return lines.dataset.chatEvents + '?after=' + lastLine;
  }, {
    line: function (event) {
      try {
        show(JSON.parse(event.data));
      } catch (e) {
        // A line that cannot be read is shown at the next reload.
      }
    },
    state: showState
  });

  // Nobody accepted the chat in time: the page then offers to leave a message.
  var waiting = document.querySelector('[data-wait-left]');
  if (waiting) {
    var seconds = parseInt(waiting.dataset.waitLeft, 10);
    if (seconds >= 0) {
      window.setTimeout(function () {
        window.location.reload();
      }, (seconds + 1) * 1000);
    }
  }

  var form = document.querySelector('[data-chat-form]');
  if (!form || !window.fetch || !window.URLSearchParams) {
    return;
  }
  form.addEventListener('submit', function (event) {
    var message = form.querySelector('textarea[name="message"]');
    if (!message || !message.value.trim()) {
      return;
    }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (response) {
        if (response.ok) {
          message.value = '';
        } else {
          form.submit();
        }
      })
      .catch(function () {
        form.submit();
      });
  });
})();
