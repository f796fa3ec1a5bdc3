// The live panel: keeps the queue counts of the page up to date from /app/events
// (server-sent events through live.js: EventSource reconnects by itself, and the stream
// closes while the page sits in the back/forward cache) and plays a short tone for the
// events the agent has a sound switched on for, once sound is enabled in this browser
// (browsers allow audio only after a click). Pages work the same without it.
(function () {
  'use strict';

  var script = document.currentScript;
  var STORAGE_KEY = 'frontdesk.sound';
  // Frequencies in Hz, one short beep each: every kind of event sounds different.
  var TONES = {
    new_ticket: [660, 880],
    new_message: [587],
    new_system_message: [440, 330],
    new_chat: [784, 784],
    new_call: [880, 660, 880],
    sla_breached: [988, 740, 988, 740]
  };

  if (!window.frontdeskLive || !document.body) {
    return;
  }

  var enabled = readEnabled();
  var audio = null;
  // Back from the back/forward cache: the stream's greeting brings the counts of now.
  var restored = false;

  function readEnabled() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === 'on';
    } catch (e) {
      return false;
    }
  }

  function remember(on) {
    try {
      window.localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
    } catch (e) {
      // Private modes may refuse storage: the choice then lasts for this page.
    }
  }

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      audio = new Context();
    }
    if (audio && audio.state === 'suspended') {
      audio.resume();
    }
    return audio;
  }

  function playTones(kind) {
    var context = audioContext();
    if (!context) {
      return;
    }
    var start = context.currentTime + 0.02;
    (TONES[kind] || [600]).forEach(function (frequency, index) {
      var at = start + index * 0.18;
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.16);
    });
  }

  // Test hook: body[data-last-sound] and body[data-sound-count] tell that a sound fired.
  function sound(kind) {
    if (!kind || !enabled) {
      return;
    }
    var body = document.body;
    body.dataset.lastSound = kind;
    body.dataset.soundCount = String((parseInt(body.dataset.soundCount || '0', 10) || 0) + 1);
    try {
      playTones(kind);
    } catch (e) {
      // No audio device: the page goes on silently.
    }
  }

  function showCounts(counts) {
    if (!counts) {
      return;
    }
    Object.keys(counts).forEach(function (name) {
      var elements = document.querySelectorAll('[data-count="' + name + '"]');
      Array.prototype.forEach.call(elements, function (element) {
        element.textContent = counts[name];
      });
    });
  }

  // Whether counts differ from those the page shows (its lists are then behind).
  function countsChanged(counts) {
    return Object.keys(counts || {}).some(function (name) {
      var element = document.querySelector('[data-count="' + name + '"]');
      return element !== null && element.textContent.trim() !== String(counts[name]);
    });
  }

  function showActivity() {
    var notice = document.querySelector('[data-live-activity]');
    if (notice) {
      notice.hidden = false;
    }
  }

  function addSoundButton() {
    var header = document.querySelector('header');
    if (!header || !script) {
      return;
    }
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'link sound-toggle';
    button.setAttribute('data-sound-toggle', '');
    function label() {
      button.textContent = enabled ? script.dataset.soundOff : script.dataset.soundOn;
      button.setAttribute('aria-pressed', enabled ? 'true' : 'false');
    }
    button.addEventListener('click', function () {
      enabled = !enabled;
      remember(enabled);
      if (enabled) {
        // Created inside the click: the browser lets it make sound from now on.
        try {
          audioContext();
        } catch (e) {
          // Without Web Audio the button still records the choice.
        }
      }
      label();
    });
    label();
    // Beside the avatar menu, not inside it: the menu is closed most of the time.
    header.insertBefore(button, header.querySelector('.who'));
  }

  addSoundButton();

  function showCall(number) {
    var notice = document.querySelector('[data-live-call]');
    var link = notice && notice.querySelector('a');
    if (!link) {
      return;
    }
    link.href = '/app/tickets/' + number;
    link.textContent = '#' + number;
    notice.hidden = false;
  }

  function receive(message) {
    var data;
    try {
      data = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    // Who else is on a ticket: for the ticket page's presence.js.
    if (data.kind === 'presence') {
      document.dispatchEvent(new CustomEvent('frontdesk:presence', { detail: data }));
      return;
    }
    if (data.kind === 'hello' && restored && countsChanged(data.counts)) {
      showActivity();
    }
    showCounts(data.counts);
    if (data.kind === 'hello') {
      restored = false;
      document.body.dataset.sounds = (data.sounds || []).join(' ');
      return;
    }
    if (data.kind === 'new_ticket' || data.kind === 'new_message' || data.kind === 'assigned' ||
        data.kind === 'new_chat' || data.kind === 'call_ringing') {
      showActivity();
    }
    // A call rings this agent's device: the notice leads to its ticket (caller, history).
    if (data.kind === 'call_ringing') {
      showCall(data.number);
    }
    sound(data.sound);
  }

  window.frontdeskLive.follow(function () {
    return '/app/events';
  }, { message: receive }, function () {
    restored = true;
  });
}());

// The ticket lists' action bar: the header's box ticks every row of the page, and picking
// a value chooses its action. Without JavaScript the bar works by its radio buttons and
// its "Select all on this page" link.
(function () {
  'use strict';

  var form = document.getElementById('bulk');
  if (!form) {
    return;
  }
  var all = form.querySelector('input.bulk-all');
  var rows = form.querySelectorAll('input[name=tickets]');
  all.hidden = false;
  all.addEventListener('change', function () {
    Array.prototype.forEach.call(rows, function (row) { row.checked = all.checked; });
  });
  Array.prototype.forEach.call(form.querySelectorAll('.bulk-bar select, .bulk-bar input[type=text]'),
    function (control) {
      control.addEventListener('input', function () {
        var radio = form.querySelector('input[name=action][value=' + control.name + ']');
        if (radio) {
          radio.checked = true;
        }
      });
    });
}());
