// Server-sent event streams that the browser's back/forward cache never holds open: a
// stream closes when its page is hidden (pagehide) and opens again when the page comes
// back from the cache (pageshow with event.persisted). Browsers allow six connections to
// a host; pages kept in the cache with their streams open would take them all. Used by
// panel.js and chat.js; it only defines window.frontdeskLive.
(function () {
  'use strict';

  if (window.frontdeskLive || !window.EventSource) {
    return;
  }

  window.frontdeskLive = {
    // Follows the stream at url() (asked again at each opening, so that it can say where
    // to resume), handing each event to listeners[event name] ('message' for unnamed
    // ones). restored(), if given, runs when the page is back and before the stream
    // opens again.
    follow: function (url, listeners, restored) {
      var source = null;

      function open() {
        source = new EventSource(url());
        Object.keys(listeners).forEach(function (name) {
          source.addEventListener(name, listeners[name]);
        });
      }

      window.addEventListener('pagehide', function () {
        if (source) {
          source.close();
          source = null;
        }
      });
      window.addEventListener('pageshow', function (event) {
        if (!event.persisted || source) {
          return;
        }
        if (restored) {
          restored();
        }
        open();
      });
      open();
    }
  };
}());
