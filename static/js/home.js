/* Home page: create a workshop through the JSON API and show its links. */
(function () {
  'use strict';
  var $ = W.$, form = $('create-form'), out = $('create-msg'), facUrl = null;

  function say(text, ok) {
    out.textContent = text;
    out.className = 'form-msg' + (text ? (ok ? ' ok-text' : ' err-box') : '');
  }
  function num(id) { var v = $(id).value.trim(); return v === '' ? undefined : Number(v); }
  function link(id, url) { var a = $(id); a.href = url; a.textContent = url; }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var title = $('title').value.trim();
    if (!title) { say(W.t('Type a title for the workshop.')); $('title').focus(); return; }
    var body = {
      title: title,
      dots: num('dots'),
      max_per_proposal: num('max'),
      groups: $('groups').value.split('\n').map(function (g) { return g.trim(); }).filter(Boolean),
      pre_moderation: $('pre-moderation').checked,
      language: $('w-lang').value
    };
    var b = $('create-btn');
    b.disabled = true;
    say(W.t('Creating the workshop…'), true);
    fetch('/api/workshops', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
      .then(function (r) {
        return r.json().then(function (j) { return j; }, function () {
          return {ok: false, error: W.t('The server could not create the workshop. Please try again.')};
        });
      })
      .then(function (j) {
        b.disabled = false;
        if (!j || j.ok === false) { say((j && j.error) || W.t('The workshop could not be created. Please try again.')); return; }
        say('');
        W.store.set('workshop.token.' + j.code, j.facilitator_token);
        facUrl = j.facilitator_url;
        link('l-fac', j.facilitator_url);
        link('l-screen', j.screen_url);
        link('l-join', j.join_url);
        form.hidden = true;
        $('created').hidden = false;
        $('created-h').focus();
        W.announce('Your workshop is ready. Code ' + j.code.split('').join(' ') + '.');
      }, function () {
        b.disabled = false;
        say(W.DROPPED);
      });
  });
  $('open-fac').addEventListener('click', function () { if (facUrl) location.href = facUrl; });
})();
