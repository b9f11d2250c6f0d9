/* Easy Read words on the phone (issue #16): plain words and one idea per sentence.
   The switch itself, its memory on this phone, larger text and pictures belong to the
   page's Easy Read switch: it sets <html data-easy-read="on"> (and
   localStorage["workshop.easyRead"] = "1") and fires the window event "workshop:easyread".
   This file fetches the Easy Read sentences once (English only), changes the page's own
   sentences, and asks the page to draw itself again (W.fire('words')); sentences the
   scripts write come through W.t, which picks the Easy Read form while the switch is on. */
(function () {
  'use strict';
  var d = document, root = d.documentElement, asked = false, plain = [];
  if (W.lang !== 'en') return; /* Easy Read is written in English only */
  /* the page's own sentences, as the server wrote them, before any script changed them */
  (function collect(node) {
    for (var c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 && c.nodeValue.trim()) plain.push({node: c, text: c.nodeValue});
      else if (c.nodeType === 1 && !/^(SCRIPT|STYLE|TEXTAREA|NOSCRIPT)$/.test(c.tagName)) {
        if (c.placeholder) plain.push({el: c, attr: 'placeholder', text: c.placeholder});
        collect(c);
      }
    }
  })(d.body);
  function on() { return root.dataset.easyRead === 'on'; }
  function swap() {
    var words = W.easyWords || {};
    plain.forEach(function (p) {
      var t = p.text.trim(), easy = on() && typeof words[t] === 'string' ? words[t] : null;
      var now = easy ? p.text.replace(t, easy) : p.text;
      if (p.node) { if (p.node.nodeValue !== now) p.node.nodeValue = now; } else p.el.setAttribute(p.attr, now);
    });
    W.fire('words');
  }
  function update() {
    if (!wanted() || W.easyWords) { swap(); return; }
    if (asked) return;
    asked = true;
    fetch('/i18n/easyread.json').then(function (r) { return r.json(); })
      .then(function (words) { W.easyWords = words; swap(); })
      .catch(function () { asked = false; }); /* tried again at the next switch */
  }
  /* the laptop's refusals come in Easy Read too: the connection says so when it connects */
  var sock = null;
  W.on('socket', function (s) { sock = s; s.auth.easy = wanted(); });
  function wanted() { return on() || (root.dataset.easyRead == null && W.store.get('workshop.easyRead') === '1'); }
  window.addEventListener('workshop:easyread', function () {
    update();
    if (sock && sock.auth.easy !== on()) {
      sock.auth.easy = on();
      if (sock.connected) { sock.disconnect(); sock.connect(); } /* a fresh handshake carries it */
    }
  });
  if (wanted()) update();
})();
