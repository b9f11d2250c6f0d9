/* Facilitator console: the facilitator link, shown and copyable at any time, with a QR code
   for a co-facilitator's phone and a way to replace it; and, on a device without the link,
   a place to paste it. The link grants control, and the panel says so. */
(function () {
  'use strict';
  var $ = W.$, form = $('paste-form');
  if (!form) return;
  /* A console opened without its token: paste the link (or the token alone) to get in. */
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = $('paste-link').value.trim(), m = /[#&]token=([^&\s]+)/.exec(v), token = m ? decodeURIComponent(m[1]) : v;
    var out = $('paste-msg');
    if (!/^[A-Za-z0-9_-]{16,200}$/.test(token)) {
      out.textContent = W.t('That is not a facilitator link: it ends with "#token=" and a long code. Copy it again and paste it here.');
      out.className = 'form-msg warn-text';
      $('paste-link').focus();
      return;
    }
    W.store.set('workshop.token.' + document.body.dataset.code, token);
    location.reload();
  });
})();
W.consoleLink = function (x) {
  'use strict';
  var $ = W.$, shownFor = null;
  function link() {
    var s = x.state();
    return s.join_url + '/facilitate#token=' + encodeURIComponent(x.token());
  }
  function say(text, ok) { $('link-msg').textContent = text; $('link-msg').className = 'form-msg' + (ok ? ' ok-text' : ' warn-text'); }
  function api(path, opts) {
    opts = opts || {};
    opts.headers = {Authorization: 'Bearer ' + x.token()};
    return fetch('/api/workshops/' + x.code + path, opts).then(function (r) {
      if (r.ok) return r;
      return r.json().then(function (j) { throw new Error(j.error); }, function () { throw new Error(W.t('The server did not answer as expected. Please try again.')); });
    });
  }
  function failed(e) { say(e instanceof TypeError ? W.DROPPED : e.message); }

  /* The clipboard API needs a secure page; on a venue's plain http, copy the selection. */
  $('link-copy').addEventListener('click', function () {
    var input = $('link-url'), text = input.value;
    function done() { say(W.t('Copied. Keep it private: anyone with this link controls the workshop.'), true); }
    function fallback() {
      input.focus();
      input.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      if (ok) done(); else say(W.t('Your browser did not let the page copy: the link is selected, so press Ctrl+C (or Cmd+C) to copy it.'));
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  });

  function showQr(on) {
    $('link-qr').hidden = !on;
    /* centred, so the "More tools below" sign at the column's foot never covers it */
    if (on) $('link-qr').scrollIntoView({block: 'center'});
    $('link-qr-btn').setAttribute('aria-expanded', String(on));
    $('link-qr-btn').textContent = on ? W.t('Hide the QR code') : W.t('Show a QR code for a co-facilitator’s phone');
  }
  /* The QR code is drawn by the server from the token in a header, never in an address. */
  $('link-qr-btn').addEventListener('click', function () {
    if (!$('link-qr').hidden) { showQr(false); return; }
    if (shownFor === x.token()) { showQr(true); return; }
    api('/facilitator-qr.svg').then(function (r) { return r.text(); }).then(function (svg) {
      $('link-qr-img').src = 'data:image/svg+xml,' + encodeURIComponent(svg);
      shownFor = x.token();
      showQr(true);
      say(W.t('Scanning this opens the console: show it only to a co-facilitator.'), true);
    }).catch(failed);
  });

  $('link-new').addEventListener('click', function () {
    /* no confirm(): the button sits inside "The link got out?", opened on purpose */
    api('/token', {method: 'POST'}).then(function (r) { return r.json(); }).then(function (j) {
      x.setToken(j.facilitator_token);
      shownFor = null;
      showQr(false);
      render();
      say(W.t('A new link is ready and the old one no longer works. Copy this one for anyone who still needs it.'), true);
    }).catch(failed);
  });

  function render() {
    var v = link();
    if ($('link-url').value !== v) $('link-url').value = v;
  }
  return {render: render};
};
