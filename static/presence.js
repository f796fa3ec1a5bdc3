// Who else is on this ticket: the page says that its agent has it open (again every 20
// seconds), is typing a reply, or left it; the other agents' pages hear of it through the
// live panel's events (panel.js hands them over as `frontdesk:presence`) and show it
// above the reply form; a page that hears of someone new answers that it is open too.
// Someone not heard of for 45 seconds is taken to have left.
(function () {
  'use strict';

  var line = document.getElementById('presence');
  if (!line || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var HEARTBEAT = 20000;
  var GONE = 45000;
  var TYPING_EVERY = 5000;
  var number = Number(line.dataset.number);
  var others = {};
  var lastTyping = 0;

  function send(state, leaving) {
    var body = new URLSearchParams({ state: state, csrf_token: line.dataset.csrf });
    // A page that is going away cannot wait for an answer.
    if (leaving && navigator.sendBeacon) {
      navigator.sendBeacon(line.dataset.url, body);
      return;
    }
    fetch(line.dataset.url, { method: 'POST', body: body, credentials: 'same-origin' })
      .catch(function () {});
  }

  function show() {
    var now = Date.now();
    var shown = [];
    Object.keys(others).forEach(function (id) {
      var other = others[id];
      if (now - other.at > GONE) {
        delete others[id];
        return;
      }
      var text = other.state === 'typing' ? line.dataset.typing : line.dataset.viewing;
      shown.push(text.replace('{name}', function () { return other.name; }));
    });
    line.textContent = shown.join(' · ');
    line.hidden = shown.length === 0;
  }

  document.addEventListener('frontdesk:presence', function (event) {
    var data = event.detail;
    if (data.number !== number || !data.presence) {
      return;
    }
    var who = data.presence;
    if (who.state === 'left') {
      delete others[who.agent_id];
    } else {
      // Someone who just came learns at once that this page is open too.
      if (!others[who.agent_id]) {
        send(Date.now() - lastTyping < HEARTBEAT ? 'typing' : 'viewing');
      }
      others[who.agent_id] = { name: who.name, state: who.state, at: Date.now() };
    }
    show();
  });

  var reply = document.querySelector('.reply-form textarea');
  if (reply) {
    reply.addEventListener('input', function () {
      var now = Date.now();
      if (now - lastTyping > TYPING_EVERY) {
        lastTyping = now;
        send('typing');
      }
    });
  }

  send('viewing');
  setInterval(function () {
    send(Date.now() - lastTyping < HEARTBEAT ? 'typing' : 'viewing');
    show();
  }, HEARTBEAT);
  window.addEventListener('pagehide', function () {
    send('left', true);
  });
  // Back from the back/forward cache: here again.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      send('viewing');
    }
  });
}());
