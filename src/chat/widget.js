// Frontdesk chat button: pasted into a company's site as
// <script src="<BASE_URL>/widget/<workspace>.js" async></script>. It adds a button that
// opens the workspace's chat page in a frame (which only the origins listed in the
// workspace's chat settings may show) and tells it which page the visitor is on.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !document.body || document.getElementById('frontdesk-chat-button')) {
    return;
  }
  var match = /^(.*)\/widget\/([a-z0-9-]+)\.js(?:[?#].*)?$/.exec(script.src);
  if (!match) {
    return;
  }
  var chatUrl = match[1] + '/help/' + match[2] + '/chat?page=' + encodeURIComponent(window.location.href);
  var frame = null;

  var button = document.createElement('button');
  button.id = 'frontdesk-chat-button';
  button.type = 'button';
  button.textContent = '{{label}}';
  button.setAttribute('aria-expanded', 'false');
  var style = button.style;
  style.position = 'fixed';
  style.right = '20px';
  style.bottom = '20px';
  style.zIndex = '2147483646';
  style.padding = '12px 18px';
  style.border = '0';
  style.borderRadius = '24px';
  style.background = '#2457c5';
  style.color = '#fff';
  style.font = '600 15px system-ui, sans-serif';
  style.cursor = 'pointer';
  style.boxShadow = '0 2px 8px rgba(0,0,0,.25)';

  button.addEventListener('click', function () {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.id = 'frontdesk-chat-frame';
      frame.title = button.textContent;
      frame.src = chatUrl;
      var s = frame.style;
      s.position = 'fixed';
      s.right = '20px';
      s.bottom = '76px';
      s.width = '380px';
      s.maxWidth = 'calc(100vw - 40px)';
      s.height = '560px';
      s.maxHeight = 'calc(100vh - 100px)';
      s.border = '1px solid #ccc';
      s.borderRadius = '8px';
      s.background = '#fff';
      s.zIndex = '2147483647';
      document.body.appendChild(frame);
      button.setAttribute('aria-expanded', 'true');
      return;
    }
    var open = frame.style.display === 'none';
    frame.style.display = open ? '' : 'none';
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  document.body.appendChild(button);
})();
