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
    // Focus on a button about to hide goes to the phone itself, not to the page's start.
    var focused = document.activeElement;
    state.textContent = message;
    caller.textContent = from || '';
    caller.hidden = !from;
    Object.keys(buttons).forEach(function (name) {
      buttons[name].hidden = visible.indexOf(name) < 0;
    });
    if (focused && focused.hidden && box.contains(focused)) {
      box.focus();
    }
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

  // The device's own state changes (its signalling lost and found again) leave a call
  // going on as it is.
  function deviceChanged() {
    if (!current) {
      idle();
    }
  }

  function follow(call) {
    var from = (call.parameters && call.parameters.From) || '';
    current = call;
    show(text.textRinging, from, ['answer', 'decline']);
    call.on('accept', function () {
      buttons.mute.setAttribute('aria-pressed', 'false');
      show(text.textOnCall, from, ['mute', 'hangUp']);
      buttons.hangUp.focus();
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

  // Each start of the window's phone; a page hidden meanwhile ends it, so that a token
  // that comes late makes no device.
  var started = 0;

  function renew() {
    var at = started;
    token().then(function (renewed) {
      if (device && at === started) {
        device.updateToken(renewed.token);
      }
    }).catch(function () {
      // Tried again in a minute, while the token still lasts.
      setTimeout(function () {
        if (device && at === started) {
          renew();
        }
      }, 60000);
    });
  }

  function start() {
    var at = ++started;
    show(text.textConnecting, '', []);
    token().then(function (granted) {
      if (at !== started) {
        return;
      }
      device = new window.Twilio.Device(granted.token, {
        closeProtection: text.textLeave,
        codecPreferences: ['opus', 'pcmu']
      });
      device.on('registered', deviceChanged);
      device.on('unregistered', deviceChanged);
      device.on('error', deviceChanged);
      device.on('incoming', follow);
      device.on('tokenWillExpire', renew);
      return device.register();
    }).catch(function () {
      if (at === started && !current) {
        show(text.textOffline, '', []);
      }
    });
  }

  start();
  window.addEventListener('pagehide', function () {
    started += 1;
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
