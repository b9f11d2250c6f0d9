/* The phone's outbox: every command a person makes waits here, kept in localStorage, until
   the laptop acknowledges it. Sent one at a time in order, retried with the same request_id
   while its fate is unknown (the server counts a repeat once), dropped only by an ack or by
   the person cancelling it before it was ever sent. */
W.outbox = function (sock, code, on) {
  'use strict';
  /* WAIT is long because a busy laptop may take seconds to answer, and a resend adds to its load */
  var KEY = 'workshop.outbox.' + code, WAIT = 15000, mem = [], busy = null, ready = false, again = null, tries = {}, lost = 0;
  var kept = W.store.set(KEY + '.probe', '1');
  W.store.del(KEY + '.probe');

  /* Read afresh each time: another tab of this phone may have sent or added items. */
  function list() {
    if (!kept) return mem;
    try { var v = JSON.parse(W.store.get(KEY) || '[]'); return Array.isArray(v) ? v : []; } catch (e) { return []; }
  }
  function save(items) {
    mem = items;
    if (!kept) return;
    if (items.length) kept = W.store.set(KEY, JSON.stringify(items));
    else W.store.del(KEY);
  }
  function change(fn) { var items = list(); fn(items); save(items); on.changed(); }
  function drop(id) { change(function (items) { var i = find(items, id); if (i >= 0) items.splice(i, 1); }); }
  function find(items, id) { for (var i = 0; i < items.length; i++) if (items[i].id === id) return i; return -1; }

  /* Sent at least once (perhaps counted already): only its ack can settle it. */
  function sent(it) { return it.sent || busy === it.id; }
  function later(ms) { clearTimeout(again); again = setTimeout(pump, ms); }

  function pump() {
    var it = list()[0];
    if (!it || busy || !ready || !sock.connected) return;
    busy = it.id;
    if (!it.sent) change(function (items) { var i = find(items, it.id); if (i >= 0) items[i].sent = true; });
    sock.timeout(WAIT).emit(it.name, it.payload, function (err, ack) {
      busy = null;
      /* no answer: its fate is unknown, so it stays, and goes again (less often each time) */
      if (err) { lost++; on.changed(); later(Math.min(10000, 1000 * lost)); return; }
      lost = 0;
      var n = tries[it.id] = (tries[it.id] || 0) + 1;
      if (ack && ack.ok === false && (ack.reason === 'rate_limited' || (ack.reason === 'server_error' && n < 3))) {
        on.changed();
        later(1500 * n);
        return;
      }
      /* not bound (joined) on this connection: join again, then retry once */
      if (ack && ack.ok === false && ack.reason === 'forbidden' && n < 2) { ready = false; on.changed(); on.rejoin(); return; }
      drop(it.id);
      if (ack && ack.ok !== false) on.done(it, ack); else on.refused(it, ack || {});
      pump();
    });
  }
  sock.on('disconnect', function () { ready = false; });
  window.addEventListener('storage', function (e) { if (e.key === KEY) { mem = list(); on.changed(); pump(); } });

  return {
    /* add a command; returns the item (its request_id is its id) */
    add: function (name, payload, kind, label) {
      var it = {id: W.rand(), name: name, kind: kind, label: label || '', at: Date.now(), sent: false};
      payload.request_id = it.id;
      it.payload = payload;
      change(function (items) { items.push(it); });
      pump();
      return it;
    },
    /* the person takes back something not sent yet; false when it may already count */
    cancel: function (id) {
      var it = list()[find(list(), id)];
      if (!it || sent(it)) return false;
      drop(id);
      return true;
    },
    items: list,
    sent: sent,
    /* after each (re)join: the connection is bound, send what waits */
    start: function () { ready = true; lost = 0; pump(); }
  };
};

/* The outbox on the page: what waits, in words, each with a Cancel while it was never sent.
   Shown when the phone is offline or an item has waited over a second (a quick ack needs no panel). */
W.outboxView = function (box, render) {
  'use strict';
  var el = W.el, items = box.items(), now = Date.now(), slow = items.filter(function (it) { return now - it.at >= 1000; });
  var on = items.length > 0 && (!W.online || slow.length > 0), n = {}, parts = [];
  var NAMES = {dot: function (k) { return W.tn('{n} dot', '{n} dots', k); },
    undot: function (k) { return W.tn('{n} take-back', '{n} take-backs', k); },
    idea: function (k) { return W.tn('{n} idea', '{n} ideas', k); },
    ballot: function (k) { return W.tn('{n} vote', '{n} votes', k); },
    suggest: function (k) { return W.tn('{n} suggested action', '{n} suggested actions', k); },
    help: function (k) { return W.tn('{n} offer to help', '{n} changes to your offers to help', k); }};
  clearTimeout(W.outboxView.t);
  if (items.length && !on) W.outboxView.t = setTimeout(render, 1000 - (now - items[0].at));
  W.show('outbox', on);
  if (!on) return;
  items.forEach(function (it) { n[it.kind] = (n[it.kind] || 0) + 1; });
  Object.keys(NAMES).forEach(function (k) { if (n[k]) parts.push(NAMES[k](n[k])); });
  W.txt('outbox-text', W.t('{things} waiting to send.', {things: parts.join(', ')}) + ' ' +
    (W.online ? W.t('Sending now.') : W.t('Kept on this phone: sent as soon as it reconnects.')));
  W.sync(W.$('outbox-list'), items, function (it) { return it.id; }, function () {
    var li = el('li', 'card waiting'), b = el('button', 'btn s', W.t('Cancel'));
    b.type = 'button';
    li.appendChild(el('p'));
    li.appendChild(el('p', 'hint'));
    li.appendChild(b);
    b.addEventListener('click', function () {
      if (box.cancel(li.dataset.key)) { W.announce(W.t('Cancelled: {what}.', {what: li.firstChild.textContent})); W.$('outbox-h').focus(); }
      else W.showMsg(W.t('That was already sent and may have counted, so it cannot be cancelled. It stays here until the laptop confirms it.'));
    });
    return li;
  }, function (li, it) {
    var what = {dot: W.N_('A dot for: {what}'), undot: W.N_('Take back a dot from: {what}'), idea: W.N_('Your idea: {what}'),
      ballot: W.N_('Your vote'), suggest: W.N_('Suggested action: {what}'),
      help: (it.payload.helping ? W.N_('I can help with: {what}') : W.N_('No longer helping with: {what}'))}[it.kind];
    var sent = box.sent(it), label = it.label ? W.short(it.label, 60) : '';
    li.firstChild.textContent = what ? W.t(what, {what: label}) : label;
    li.children[1].textContent = sent ? W.t('Sent: waiting for the laptop to confirm it.') : W.t('Waiting to send.');
    li.children[2].hidden = sent;
    li.children[2].setAttribute('aria-label', W.t('Cancel: {what}', {what: li.firstChild.textContent}));
  });
};
