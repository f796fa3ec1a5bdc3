// The web phone's window (/app/phone): the provider's browser SDK (Twilio.Device, served
// from /static/vendor) registers the agent's identity with an access token from
// /app/phone/token, fetched again before it runs out. An incoming call shows its caller
// with Answer and Decline; an answered one with Mute and Hang up. The device is destroyed
// on pagehide (a window that is gone must not stay registered) and registers again when
// the page comes back from the browser's cache.
(function () {
  'use strict';

  var box = document.querySelector('[data-web-phone]');
  if (!box || !window.Twilio || !window.Twilio.Device) {
    return;
  }
  var text = box.dataset;
  var state = box.querySelector('[data-phone-state]');
  var caller = box.querySelector('[data-phone-caller]');
  var buttons = {
    answer: box.querySelector('[data-phone-answer]'),
    decline: box.querySelector('[data-phone-decline]'),
    mute: box.querySelector('[data-phone-mute]'),
    hangUp: box.querySelector('[data-phone-hang-up]')
  };
  var device = null;
  var current = null;

  function show(message, from, visible) {
    state.textContent = message;
    caller.textContent = from || '';
    caller.hidden = !from;
    Object.keys(buttons).forEach(function (name) {
      buttons[name].hidden = visible.indexOf(name) < 0;
    });
  }

  function token() {
    return fetch('/app/phone/token', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': text.csrf }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('token ' + response.status);
      }
      return response.json();
    });
  }

  function idle() {
    current = null;
    show(device && device.state === 'registered' ? text.textReady : text.textOffline, '', []);
  }

  function follow(call) {
    var from = (call.parameters && call.parameters.From) || '';
    current = call;
    show(text.textRinging, from, ['answer', 'decline']);
    call.on('accept', function () {
      buttons.mute.setAttribute('aria-pressed', 'false');
      show(text.textOnCall, from, ['mute', 'hangUp']);
    });
    // Answered elsewhere, hung up by the caller, or ended here: back to waiting.
    ['cancel', 'disconnect', 'reject', 'error'].forEach(function (event) {
      call.on(event, function () {
        if (current === call) {
          idle();
        }
      });
    });
  }

  buttons.answer.addEventListener('click', function () {
    if (current) {
      current.accept();
    }
  });
  buttons.decline.addEventListener('click', function () {
    if (current) {
      current.reject();
      idle();
    }
  });
  buttons.hangUp.addEventListener('click', function () {
    if (current) {
      current.disconnect();
      idle();
    }
  });
  buttons.mute.addEventListener('click', function () {
    if (current) {
      var muted = !current.isMuted();
      current.mute(muted);
      buttons.mute.setAttribute('aria-pressed', String(muted));
    }
  });

  function start() {
    show(text.textConnecting, '', []);
    token().then(function (granted) {
      device = new window.Twilio.Device(granted.token, {
        closeProtection: text.textLeave,
        codecPreferences: ['opus', 'pcmu']
      });
      device.on('registered', idle);
      device.on('unregistered', idle);
      device.on('error', function () {
        if (!current) {
          idle();
        }
      });
      device.on('incoming', follow);
      device.on('tokenWillExpire', function () {
        token().then(function (renewed) {
          if (device) {
            device.updateToken(renewed.token);
          }
        });
      });
      return device.register();
    }).catch(function () {
      show(text.textOffline, '', []);
    });
  }

  start();
  window.addEventListener('pagehide', function () {
    if (device) {
      device.destroy();
      device = null;
      current = null;
    }
  });
  // Back from the browser's cache: the destroyed device registers again.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      start();
    }
  });
}());
