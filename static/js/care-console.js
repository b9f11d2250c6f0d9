/* Console add-on for the duty of care: private words, the wall's pause, pre-moderation and
   the review queue (keys A, D, E, arrows). Hears facilitator.js through W.on. */
(function () {
  'use strict';
  var $ = W.$, el = W.el, sock = null, state = null, want = null, editing = null, known = {}, pending = {};
  var SOUND = 'workshop.console.sound';

  function send(name, payload, ok, fail) { W.cmd(sock, name, payload, ok, fail); }
  function typing(t) { return /INPUT|TEXTAREA|SELECT/.test(t.tagName) || t.isContentEditable; }
  function toggle(id, on) {
    var b = $(id);
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.querySelector('.state').textContent = on ? W.t('On') : W.t('Off');
  }

  W.on('socket', function (s) {
    sock = s;
    s.on('private_words_changed', words);
  });
  W.on('state', function (s) { state = s; render(); });

  /* -- private words: collapsed until read, as the laptop may be mirrored on the wall -- */
  function words(data) {
    var list = data.words || [], fresh = data.new_id && !known[data.new_id];
    known = {};
    list.forEach(function (w) { known[w.id] = 1; });
    $('words').hidden = !list.length;
    $('words-n').textContent = W.tn('{n} private message', '{n} private messages', list.length);
    W.sync($('words-list'), list, function (w) { return w.id; }, wordCard, function (li, w) {
      var t = new Date(w.created_at);
      li.querySelector('.w-when').textContent = 'Private message at ' + t.toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit'});
      li.querySelector('.w-text').textContent = w.message;
      var where = li.querySelector('.w-where');
      where.textContent = w.whereabouts ? 'How to find them: ' + w.whereabouts : W.t('They did not say how to find them.');
    });
    if (!list.length) seen();
    if (fresh) {
      $('words').classList.add('arrived');
      $('words-alert').hidden = false;
      W.announce(W.t('A private message has arrived for you.'));
      if ($('words-sound').checked) chime();
    }
  }
  function wordCard(w) {
    var li = el('li', 'card word'), body = el('div', 'w-body'), read = el('button', 'btn s', W.t('Read')), done = el('button', 'btn s', W.t('Done: erase it'));
    read.type = done.type = 'button';
    read.setAttribute('aria-expanded', 'false');
    body.hidden = true;
    body.appendChild(el('p', 'w-text'));
    body.appendChild(el('p', 'w-where'));
    li.appendChild(el('p', 'w-when'));
    li.appendChild(body);
    var row = el('div', 'row');
    row.appendChild(read);
    row.appendChild(done);
    li.appendChild(row);
    read.addEventListener('click', function () {
      body.hidden = !body.hidden;
      read.textContent = body.hidden ? W.t('Read') : W.t('Hide');
      read.setAttribute('aria-expanded', body.hidden ? 'false' : 'true');
      seen();
    });
    done.addEventListener('click', function () {
      send('dismiss_private_word', {word_id: w.id}, function () { W.announce(W.t('Message erased.')); });
    });
    return li;
  }
  /* The alert stays in view wherever the console is scrolled, until a message is read. */
  function seen() { $('words').classList.remove('arrived'); $('words-alert').hidden = true; }
  $('words-alert').addEventListener('click', function (e) {
    e.preventDefault();
    $('words').scrollIntoView({block: 'start'});
    $('words').focus();
  });
  function chime() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)(), o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = 660;
      g.gain.setValueAtTime(0.2, ctx.currentTime);
      g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.6);
      o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + 0.6);
    } catch (e) { /* no sound on this browser: the visible alert stays */ }
  }
  $('words-sound').checked = W.store.get(SOUND) === 'on';
  $('words-sound').addEventListener('change', function () { W.store.set(SOUND, this.checked ? 'on' : 'off'); });

  /* -- the wall's pause and pre-moderation -- */
  function pause() {
    if (!state) return;
    var on = !state.wall_paused;
    send('pause_wall', {paused: on}, function () { W.announce(on ? W.t('The wall is paused.') : W.t('The wall is back.')); });
  }
  $('t-wall').addEventListener('click', pause);
  $('t-premod').addEventListener('click', function () {
    if (!state) return;
    var on = !state.pre_moderation;
    send('set_pre_moderation', {on: on}, function () {
      W.announce(on ? W.t('Every new idea now waits for your review.') : W.t('New ideas are shared at once, unless they hold personal details.'));
    });
  });
  document.addEventListener('keydown', function (e) {
    if ((e.key === 'b' || e.key === 'B') && !e.repeat && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) { e.preventDefault(); pause(); }
  });

  /* -- the review queue -- */
  function marked(node, h) {
    node.textContent = '';
    var m = h.mark;
    if (!m) { node.textContent = h.text; return; }
    node.appendChild(document.createTextNode(h.text.slice(0, m[0])));
    node.appendChild(el('mark', null, h.text.slice(m[0], m[1])));
    node.appendChild(document.createTextNode(h.text.slice(m[1])));
  }
  function heldCard(h) {
    var li = el('li', 'card q-item'), row = el('div', 'row');
    li.tabIndex = -1;
    li.appendChild(el('p', 'q-reason'));
    li.appendChild(el('p', 'ptext'));
    [[W.t('Approve'), 'a'], [W.t('Edit, then approve'), 'e'], [W.t('Decline'), 'd']].forEach(function (b) {
      var btn = el('button', b[1] === 'a' ? 'btn' : 'btn s', b[0]);
      btn.type = 'button';
      btn.dataset.act = b[1];
      btn.setAttribute('aria-keyshortcuts', b[1].toUpperCase());
      row.appendChild(btn);
    });
    li.appendChild(row);
    return li;
  }
  /* Why an idea waits: the server's sentences (domain/personal_details.py, review.py),
     marked here too so the console's catalogue carries them and W.t can say them. */
  W.N_('It looks like it holds an email address.');
  W.N_('It looks like it holds a phone number.');
  W.N_('It looks like it holds a postcode.');
  W.N_('It looks like it holds a street address.');
  W.N_('It looks like it holds a date of birth.');
  W.N_('It looks like it names a person.');
  W.N_('Every idea waits for you before it is shared.');
  function updHeld(li, h) {
    var why = W.t(h.reason);
    li.querySelector('.q-reason').textContent = why;
    if (editing !== h.id) marked(li.querySelector('.ptext'), h);
    li.setAttribute('aria-label', W.t('Waiting: {idea}. {reason}', {idea: W.short(h.text), reason: why}));
  }
  function declinedCard() {
    var li = el('li', 'card'), b = el('button', 'btn s', W.t('Approve after all'));
    b.type = 'button';
    b.dataset.act = 'a';
    li.appendChild(el('p', 'ptext'));
    li.appendChild(b);
    return li;
  }
  function render() {
    var held = state.held || [], waiting = held.filter(function (h) { return h.status === 'held' && !pending[h.id]; });
    var still = {};
    held.forEach(function (h) { if (h.status === 'held') still[h.id] = 1; });
    for (var p in pending) if (!still[p]) delete pending[p]; /* the laptop has caught up */
    var declined = held.filter(function (h) { return h.status === 'declined'; });
    toggle('t-wall', state.wall_paused);
    toggle('t-premod', state.pre_moderation);
    $('queue-n').textContent = waiting.length;
    $('queue-none').hidden = !!waiting.length;
    $('declined-box').hidden = !declined.length;
    $('declined-n').textContent = declined.length;
    W.sync($('queue'), waiting, function (h) { return h.id; }, heldCard, updHeld);
    W.sync($('declined'), declined, function (h) { return h.id; }, declinedCard, function (li, h) { li.firstChild.textContent = h.text; });
    var items = $('queue').children;
    for (var i = 0; i < items.length; i++) items[i].tabIndex = i === 0 ? 0 : -1;
    if (want !== null) {
      var node = $('queue').querySelector('[data-key="' + want + '"]') || items[0];
      want = null;
      if (node) node.focus(); else $('queue-h').focus();
    }
  }
  function item(node) { while (node && !(node.parentNode && (node.parentNode.id === 'queue' || node.parentNode.id === 'declined'))) node = node.parentNode; return node; }
  function act(li, key) {
    var id = Number(li.dataset.key), next = li.nextElementSibling || li.previousElementSibling;
    if (key === 'e') return edit(li, id);
    want = next && li.parentNode.id === 'queue' ? next.dataset.key : null;
    /* Gone from the queue at once, so the next key press never waits for the laptop;
       back in the queue if the laptop refuses. */
    var back = function () { delete pending[id]; render(); };
    if (li.parentNode.id === 'queue') { pending[id] = 1; render(); }
    if (key === 'a') send('approve_proposal', {held_id: id}, function () { W.announce(W.t('Approved: it is shared now.')); }, back);
    else if (key === 'd') send('decline_proposal', {held_id: id}, function () { W.announce(W.t('Declined: nobody else will see it.')); }, back);
  }
  function edit(li, id) {
    var h = (state.held || []).filter(function (x) { return x.id === id; })[0];
    if (!h) return;
    editing = id;
    var p = li.querySelector('.ptext'), box = el('textarea', 'q-edit');
    box.value = h.text;
    box.rows = 3;
    box.maxLength = 500;
    box.setAttribute('aria-label', W.t('Edit the idea, then press Enter to approve it, or Escape to cancel'));
    p.textContent = '';
    p.appendChild(box);
    box.focus();
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.preventDefault(); editing = null; marked(p, h); li.focus(); }
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        var text = box.value.trim();
        if (!text) { W.showMsg(W.t('The idea is empty: write something, or press Escape and decline it.')); return; }
        var next = li.nextElementSibling || li.previousElementSibling;
        want = next ? next.dataset.key : null;
        send('approve_proposal', {held_id: id, text: text}, function () { editing = null; W.announce(W.t('Edited and approved.')); });
      }
    });
  }
  function onClick(e) {
    var b = e.target.closest('button[data-act]'), li = b && item(b);
    if (li) act(li, b.dataset.act);
  }
  $('queue').addEventListener('click', onClick);
  $('declined').addEventListener('click', onClick);
  $('queue').addEventListener('keydown', function (e) {
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    var li = item(e.target), k = e.key.toLowerCase();
    if (e.repeat && (k === 'a' || k === 'd')) { e.preventDefault(); return; } /* holding A must not approve the whole queue */
    if (!li) return;
    if (k === 'a' || k === 'd' || k === 'e') { e.preventDefault(); act(li, k); }
    else if (k === 'arrowdown' || k === 'j') { e.preventDefault(); if (li.nextElementSibling) li.nextElementSibling.focus(); }
    else if (k === 'arrowup' || k === 'k') { e.preventDefault(); if (li.previousElementSibling) li.previousElementSibling.focus(); }
  });
})();
