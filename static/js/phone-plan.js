/* Attendee phone, plan stage (loaded by phone.js only then): each priority with its
   actions, an "I can help" toggle per action and a form to suggest one. */
W.phonePlan = function (x) {
  'use strict';
  var el = W.el, oks = {};
  x.hooks.suggest = function (it) {
    var ok = oks[it.payload.priority_id];
    if (ok) ok.textContent = W.t('Thank you. Your suggestion was sent.');
    W.announce(W.t('Thank you. Your suggestion was sent.'));
  };
  x.hooks.help = function (it) {
    var p = it.payload;
    W.announce(p.helping ? W.t('Thank you for offering to help.') + ' ' + (p.show_name ? W.t('Only {name} is shown with it.', {name: shown(x.me())}) : W.t('Your name is not shown.')) : W.t('You are no longer down to help with this.'));
  };
  /* the offer the page shows: the newest one waiting, else what the laptop has */
  function offers(id) { return x.waitingOf('help', function (p) { return p.action_id === id; }); }

  function prio(r) {
    var li = x.rankRow(), box = el('div', 'plan'), sug = el('div', 'sug'), f = el('form'), ta = el('textarea'), ok = el('p', 'ok-text');
    var open = btn(W.t('Suggest an action'), 's'), lab = el('label', null, W.t('Your suggested action')), send = btn(W.t('Send')), shut = btn(W.t('Cancel'), 's');
    var pid = r.p.id;
    oks[pid] = ok;
    li.className = 'rrow prow';
    li.replaceChild(el('h4', 'ptext'), li.children[1]); /* a heading per priority, to jump between them */
    ta.id = 'sug-' + pid;
    ta.maxLength = 300;
    ta.rows = 3;
    lab.htmlFor = ta.id;
    send.type = 'submit';
    open.setAttribute('aria-expanded', 'false');
    [lab, el('p', 'hint', W.t('Up to 300 characters.')), ta, send, shut].forEach(function (n) { f.appendChild(n); });
    f.hidden = true;
    [open, f, ok].forEach(function (n) { sug.appendChild(n); });
    box.appendChild(el('ul', 'list'));
    box.appendChild(sug);
    li.appendChild(box);
    function toggle(on) { f.hidden = !on; open.hidden = on; open.setAttribute('aria-expanded', String(on)); (on ? ta : open).focus(); }
    open.addEventListener('click', function () { ok.textContent = ''; toggle(true); });
    shut.addEventListener('click', function () { toggle(false); });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var text = ta.value.trim();
      if (!text) { W.showMsg(W.t('Type your suggestion first, then press Send.')); ta.focus(); return; }
      ta.value = ''; /* kept in the outbox from now on */
      toggle(false);
      ok.textContent = W.online ? W.t('Sending your suggestion…') : W.t('Your suggestion is waiting to send.') + ' ' + W.t('It will be sent when you are reconnected.');
      x.queue('suggest_action', {priority_id: pid, text: text}, 'suggest', text, W.t('Your suggestion is waiting to send.'));
    });
    return li;
  }
  function updPrio(li, r) {
    x.updRank(li, r);
    /* the visible words first, so a voice user can say what they see (and Easy Read's words are said) */
    var open = li.querySelector('.sug button');
    open.setAttribute('aria-label', W.t('{action}, for priority {n}', {action: open.textContent, n: r.rank}));
    W.sync(li.querySelector('.plan ul'), W.acts(x.state(), r.p.id), function (a) { return a.id; }, act, updAct);
  }
  function btn(t, cls) { var b = el('button', 'btn' + (cls ? ' ' + cls : ''), t); b.type = 'button'; return b; }
  function act(a) {
    var li = el('li', 'card act'), b = el('button', 'toggle help'), c = el('div', 'radio'), cb = el('input'), cl = el('label', null, W.t('Show my first name with this'));
    b.type = 'button';
    b.appendChild(el('span', 'tick')).setAttribute('aria-hidden', 'true');
    b.appendChild(document.createTextNode(W.t('I can help')));
    cb.type = 'checkbox';
    cb.id = 'sn-' + a.id;
    cl.htmlFor = cb.id;
    c.appendChild(cb);
    c.appendChild(cl);
    [el('p', 'atext'), el('p', 'meta'), el('p', 'meta'), b, c, el('p', 'hint')].forEach(function (n) { li.appendChild(n); });
    function help(on) {
      var id = li._a.id, me = x.me(), show = cb.checked && !!me.name;
      /* a change never sent is replaced by the newer one */
      offers(id).forEach(function (it) { x.box.cancel(it.id); });
      if (on === helpsNow(id) && !offers(id).length) { x.render(); return; }
      x.queue('volunteer', {action_id: id, helping: on, show_name: show}, 'help', li._a.text,
        on ? W.t('Your offer to help is waiting to send.') : W.t('Your change is waiting to send.'));
    }
    b.addEventListener('click', function () { help(!helps(li._a.id)); });
    cb.addEventListener('change', function () { if (helps(li._a.id)) help(true); });
    return li;
  }
  // The server publishes only the first word of the name: say exactly which word.
  function shown(me) { return '\u201c' + String(me.name || '').trim().split(/\s+/)[0] + '\u201d'; }
  function helpsNow(id) { var me = x.me(); return !!(me.helping && me.helping[id]); }
  function helps(id) { var w = offers(id); return w.length ? w[w.length - 1].payload.helping : helpsNow(id); }
  function updAct(li, a) {
    var me = x.me(), c = li.children, on = helps(a.id), n = a.volunteers || 0, cb = li.querySelector('input'), named = !!me.name, w = offers(a.id);
    li._a = a;
    c[0].textContent = a.text;
    W.meta(c[1], a);
    c[2].textContent = '';
    W.pill(c[2].appendChild(el('span')), a);
    c[2].appendChild(document.createTextNode(' ' + (n ? W.tn('{n} person can help', '{n} people can help', n) : W.t('Nobody has offered to help yet')) +
      ((me.my_actions || []).indexOf(a.id) >= 0 ? ' · ' + W.t('You suggested this') : '') + (w.length ? ' · ' + W.t('Your change is waiting to send') : '')));
    c[3].setAttribute('aria-pressed', String(on));
    c[3].setAttribute('aria-label', W.t('I can help with: {what}', {what: W.short(a.text)}));
    if (on && !w.length) cb.checked = !!me.helping[a.id].show_name;
    c[4].hidden = !named;
    if (named) c[4].lastChild.textContent = W.t('Show {name} (the first word of your name) with this', {name: shown(me)});
    c[5].textContent = !named ? W.t('You joined without a name, so no name is shown.') :
      on && cb.checked ? W.t('Only {name} is shown, beside this action.', {name: shown(me)}) : W.t('Your name is not shown unless you tick this.');
  }

  return {make: prio, upd: updPrio};
};
