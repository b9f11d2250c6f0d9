/* Shared helpers: connection, ids, messages, timer, list rendering. */
'use strict';
var W = (function () {
  var d = document, skew = 0, everOn = false, pending = [], aTimer;
  var DROPPED = 'Not sent: your connection dropped. Check your Wi-Fi and try again.';
  var STAGES = {lobby: 'Welcome', propose: 'Share your ideas', group: 'Grouping ideas', vote: 'Voting',
    results: 'Results', plan: 'Action planning', closed: 'Closed'};

  function $(id) { return d.getElementById(id); }
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function rand(n) {
    var b = new Uint8Array(n || 12), s = '';
    crypto.getRandomValues(b);
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  function short(t, n) { n = n || 60; return t.length > n ? t.slice(0, n - 1) + '…' : t; }

  /* Polite live region: messages close together are read as one. */
  function announce(text) {
    var r = $('announce');
    pending.push(text);
    r.textContent = '';
    clearTimeout(aTimer);
    aTimer = setTimeout(function () { r.textContent = pending.join(' '); pending = []; }, 150);
  }

  var retryFn = null;
  function showMsg(text, retry) {
    $('msg-text').textContent = text;
    retryFn = retry || null;
    $('msg-retry').hidden = !retry;
    $('msg').hidden = false;
    announce(text);
  }
  function hideMsg() { $('msg').hidden = true; retryFn = null; }
  $('msg-close').addEventListener('click', hideMsg);
  $('msg-retry').addEventListener('click', function () { var f = retryFn; hideMsg(); if (f) f(); });

  var api = {$: $, el: el, rand: rand, store: store, plural: plural, short: short, announce: announce,
    showMsg: showMsg, hideMsg: hideMsg, STAGES: STAGES, DROPPED: DROPPED, online: false, onOnline: null};

  function setOnline(v) {
    var b = $('banner');
    api.online = v;
    b.textContent = everOn ? 'Reconnecting… Check your Wi-Fi. Buttons work again once you are back.' : 'Connecting…';
    b.hidden = v;
    d.body.classList.toggle('offline', !v);
    if (everOn) announce(v ? 'Connected again.' : 'Connection lost. Reconnecting…');
    if (v) everOn = true;
    if (api.onOnline) api.onOnline(v);
  }

  /* Connect, and call onConnect on every (re)connection to rejoin. */
  api.connect = function (auth, onConnect) {
    var s = io({auth: auth});
    setOnline(false);
    s.on('connect', function () { setOnline(true); onConnect(); });
    s.on('disconnect', function (why) {
      if (api.online) setOnline(false);
      if (why === 'io server disconnect') s.connect();
    });
    return s;
  };

  /* Send a command; errors are shown and announced. Retrying resends the same payload
     (so the same request_id), which the server counts once. */
  api.cmd = function (sock, name, payload, onOk, onFail) {
    sock.timeout(10000).emit(name, payload, function (err, ack) {
      if (!err && ack && ack.ok !== false) {
        if (!$('msg').hidden) hideMsg();
        if (onOk) onOk(ack);
        return;
      }
      var again = function () { api.cmd(sock, name, payload, onOk, onFail); };
      if (err) showMsg(DROPPED, again);
      else showMsg((ack && ack.error) || 'Something went wrong. Please try again.',
        ack && /rate_limited|server_error/.test(ack.reason) ? again : null);
      if (onFail) onFail(ack, !!err);
    });
  };

  api.setClock = function (serverTime) { if (serverTime) skew = serverTime - Date.now(); };

  function fmt(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000)), m = Math.floor(s / 60);
    s = s % 60;
    return m + ':' + (s < 10 ? '0' : '') + s;
  }

  function say(ms) {
    var s = Math.max(0, Math.round(ms / 1000)), m = Math.floor(s / 60);
    s = s % 60;
    return [m ? plural(m, 'minute', 'minutes') : '', s ? plural(s, 'second', 'seconds') : ''].join(' ').trim();
  }

  /* Countdown in node (.t-time, .t-label); announces "1 minute left" and "Time is up". */
  api.Timer = function (node, keepIdle) {
    var t = null, last = null, seen = false;
    var time = node.querySelector('.t-time'), label = node.querySelector('.t-label');
    function left() {
      if (!t) return 0;
      if (t.status === 'running') return t.ends_at - (Date.now() + skew);
      return t.remaining_ms || 0;
    }
    function tick() {
      var on = t && (t.status === 'running' || t.status === 'paused');
      node.hidden = !on && !keepIdle;
      node.classList.toggle('run', !!on && t.status === 'running');
      if (!on) { time.textContent = keepIdle ? 'Not running' : ''; label.textContent = ''; last = null; return; }
      var ms = left();
      time.textContent = fmt(ms);
      node.classList.toggle('low', ms <= 60000);
      label.textContent = t.status === 'paused' ? 'Paused' : ms <= 0 ? 'Time is up' : 'left';
      if (t.status === 'running' && last !== null) {
        if (last > 60000 && ms <= 60000 && ms > 0) announce('1 minute left.');
        if (last > 0 && ms <= 0) announce('Time is up.');
      }
      last = ms;
    }
    setInterval(tick, 250);
    this.set = function (timer) {
      var was = t ? t.status : null, now = timer ? timer.status : 'idle';
      if (seen && was !== now) {
        if (now === 'running') announce(was === 'paused' ? 'Timer resumed.' : 'Timer started: ' + say(timer.duration_ms || timer.ends_at - Date.now() - skew) + '.');
        else if (now === 'paused') announce('Timer paused.');
      }
      if (now !== 'running') last = null;
      seen = true;
      t = timer;
      tick();
    };
  };

  /* Keyed list update: reuses nodes (keeping focus), removes stale ones, orders the rest. */
  api.sync = function (box, items, key, make, update) {
    var old = {}, k, i, prev = null;
    for (i = box.children.length - 1; i >= 0; i--) old[box.children[i].dataset.key] = box.children[i];
    var keep = {};
    items.forEach(function (it) { keep[key(it)] = 1; });
    for (k in old) if (!keep[k]) { box.removeChild(old[k]); delete old[k]; }
    items.forEach(function (it, n) {
      var kk = String(key(it)), node = old[kk];
      if (!node) { node = make(it); node.dataset.key = kk; }
      update(node, it, n);
      var want = prev ? prev.nextSibling : box.firstChild;
      if (node !== want) box.insertBefore(node, want);
      prev = node;
    });
  };

  /* Button that stays focusable when unavailable (aria-disabled), so keyboard and
     screen-reader users keep their place. */
  api.able = function (btn, on) {
    if (on) btn.removeAttribute('aria-disabled'); else btn.setAttribute('aria-disabled', 'true');
  };
  api.off = function (btn) { return btn.getAttribute('aria-disabled') === 'true'; };

  /* Rank label: "=2" for a tie. */
  api.rankText = function (row) { return (row.tied ? '=' : '') + row.rank; };
  api.points = function (n) { return plural(n, 'point', 'points'); };
  api.byId = function (list) {
    var m = {};
    (list || []).forEach(function (p) { m[p.id] = p; });
    return m;
  };
  api.also = function (p) {
    return p.merged && p.merged.length ? 'also: ' + p.merged.map(function (c) { return c.text; }).join('; ') : '';
  };
  api.priorities = function (list) {
    return (list || []).filter(function (p) { return p.priority_rank && !p.hidden; })
      .sort(function (a, b) { return a.priority_rank - b.priority_rank; });
  };
  return api;
})();
