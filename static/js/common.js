/* Shared by every page: connection, ids, messages, live region, timer, lists. */
'use strict';
var W = (function () {
  /* W_ marks a sentence for the catalogues (W.N_); it is translated where it is shown */
  var W_ = function (id) { return id; };
  var d = document, skew = 0, everOn = false, said = [], aTimer, retryFn = null;
  function $(id) { return d.getElementById(id); }
  /* The page's catalogue (a JSON block the server writes: only this page's sentences). */
  var I18N = (function () {
    try { return JSON.parse($('i18n').textContent); } catch (e) { return {lang: 'en', messages: {}}; }
  })();
  /* the plural rules of the catalogues' languages, as in their .po headers */
  var PLURAL = {
    cy: function (n) { return n === 0 ? 0 : n === 1 ? 1 : n === 2 ? 2 : n === 3 ? 3 : n === 6 ? 4 : 5; },
    pl: function (n) { return n === 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2; }
  };
  function fill(text, p) {
    return p ? text.replace(/\{(\w+)\}/g, function (m, k) { return p[k] != null ? String(p[k]) : m; }) : text;
  }
  function counted(forms, lang, one, many, n, p) {
    var rule = PLURAL[lang], i = rule ? rule(n) : (n === 1 ? 0 : 1);
    return fill(Array.isArray(forms) && forms[i] != null ? forms[i] : (n === 1 ? one : many), p);
  }
  /* a bilingual wall says everything in both languages: "Join code / Cod ymuno" */
  function both(first, second) { return second && second !== first ? first + ' / ' + second : first; }
  /* Easy Read words (English only) when the phone's Easy Read switch is on */
  function easy(id) {
    var e = W.easyWords;
    return e && I18N.lang === 'en' && d.documentElement.dataset.easyRead === 'on' ? e[id] : null;
  }
  var W = {
    $: $, online: false, onOnline: null, lang: I18N.lang || 'en', lang2: I18N.lang2 || null, easyWords: null,
    /* W.t('You have {n} dots left.', {n: 3}): the sentence in the page's language */
    t: function (id, p) {
      var e = easy(id), m = I18N.messages[id], one = fill(typeof e === 'string' ? e : typeof m === 'string' ? m : id, p);
      return both(one, I18N.lang2 && fill(typeof I18N.messages2[id] === 'string' ? I18N.messages2[id] : id, p));
    },
    /* W.tn('{n} dot', '{n} dots', n): a counted phrase, in the language's plural forms */
    tn: function (one, many, n, p) {
      p = p || {};
      if (p.n == null) p.n = n;
      var first = counted(easy(one) || I18N.messages[one], W.lang, one, many, n, p);
      return both(first, I18N.lang2 && counted(I18N.messages2[one], I18N.lang2, one, many, n, p));
    },
    /* a server note made of whole catalogue sentences (a round's how_counted): each translated */
    tx: function (text) {
      var keys = Object.keys(I18N.messages).filter(function (k) { return k.length > 15 && text.indexOf(k) >= 0; });
      keys.sort(function (a, b) { return b.length - a.length; }).forEach(function (k) {
        if (typeof I18N.messages[k] === 'string') text = text.split(k).join(I18N.messages[k]);
      });
      return text;
    },
    /* marks a sentence for the catalogues where it is written; W.t translates it when shown */
    N_: function (id) { return id; },
    txt: function (id, t) { $(id).textContent = t; },
    show: function (id, on) { $(id).hidden = !on; },
    /* the fate of a command is unknown when the connection drops: never say "not sent" */
    DROPPED: W_('No answer: the connection dropped, so this may not have been done. Try again once you are reconnected.'),
    STAGES: {lobby: W_('Welcome'), propose: W_('Share your ideas'), group: W_('Grouping ideas'), vote: W_('Voting'),
      results: W_('Results'), plan: W_('Action planning'), closed: W_('Closed')},
    el: function (tag, cls, text) {
      var e = d.createElement(tag);
      if (cls) e.className = cls;
      if (text != null) e.textContent = text;
      return e;
    },
    rand: function (n) {
      var b = crypto.getRandomValues(new Uint8Array(n || 12));
      return btoa(String.fromCharCode.apply(null, b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    },
    store: {
      get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
      set: function (k, v) { try { localStorage.setItem(k, v); return true; } catch (e) { return false; } },
      del: function (k) { try { localStorage.removeItem(k); } catch (e) { /* ignore */ } }
    },
    plural: function (n, one, many) { return n + ' ' + (n === 1 ? one : many); },
    short: function (t, n) { n = n || 60; return t.length > n ? t.slice(0, n - 1) + '…' : t; },
    points: function (n) { return W.tn('{n} point', '{n} points', n); },
    /* a score in the words of its round's method: dots in a dot round, never "points" */
    UNITS: {dots: ['dot', 'dots'], approval: ['vote', 'votes'], ranking: ['point', 'points'], points: ['point', 'points']},
    score: function (n, method) {
      if (method === 'approval') return W.tn('{n} vote', '{n} votes', n);
      if (method === 'ranking' || method === 'points') return W.tn('{n} point', '{n} points', n);
      return W.tn('{n} dot', '{n} dots', n);
    },
    rankText: function (r) { return (r.tied ? '=' : '') + r.rank; },
    byId: function (list) { var m = {}; list.forEach(function (p) { m[p.id] = p; }); return m; },
    /* what a tally's rows name, by id: the ideas, or the themes of a round on themes */
    items: function (s, t) {
      var rd = s.round || {}, theirs = !t || t.round_id === undefined || t.round_id === rd.id;
      return W.byId(rd.candidates && theirs ? rd.candidates : s.proposals || []);
    },
    also: function (p) { return p.merged && p.merged.length ? W.t('also: {ideas}', {ideas: p.merged.map(function (c) { return c.text; }).join('; ')}) : ''; },
    priorities: function (list) {
      return list.filter(function (p) { return p.priority_rank && !p.hidden; })
        .sort(function (a, b) { return a.priority_rank - b.priority_rank; });
    },
    /* aria-disabled keeps the button focusable */
    able: function (b, on) { if (on) b.removeAttribute('aria-disabled'); else b.setAttribute('aria-disabled', 'true'); },
    off: function (b) { return b.getAttribute('aria-disabled') === 'true'; },
    setClock: function (serverTime) { if (serverTime) skew = serverTime - Date.now(); },
    /* a priority's actions as everyone sees them (the console sees dropped ones too) */
    acts: function (s, pid, all) {
      return (s.actions || []).filter(function (a) { return a.priority_id === pid && (all || a.status !== 'dropped'); });
    },
    /* carried dots say where they were counted: "12 dots in round 1 at Maidstone, 3 June 2026" */
    carried: function (p, s) {
      if (p.carried_points == null) return '';
      var from = (s && s.series && s.series.carried_from) || [], n = p.carried_points;
      if (from.length === 1) return W.tn('{n} dot in round {round} at {meeting}', '{n} dots in round {round} at {meeting}', n, {round: from[0].round, meeting: from[0].name});
      return from.length ? W.tn('{n} dot at earlier meetings', '{n} dots at earlier meetings', n) : W.tn('{n} dot carried', '{n} dots carried', n);
    },
    /* owner, due date (overdue said in words) and partners, joined by dots */
    meta: function (node, a, more) {
      var parts = [], due = a.due_label ? (a.overdue ? W.t('Due {date} (overdue)', {date: a.due_label}) : W.t('Due {date}', {date: a.due_label})) : '';
      if (a.owner) parts.push([W.t('Owner: {name}', {name: a.owner})]);
      if (due) parts.push([due, a.overdue ? 'late' : '']);
      if (a.partners) parts.push([W.t('With {partners}', {partners: a.partners})]);
      parts = parts.concat(more || []);
      node.textContent = '';
      parts.forEach(function (p, i) {
        if (i) node.appendChild(d.createTextNode(' · '));
        node.appendChild(W.el('span', p[1] || null, p[0]));
      });
      node.hidden = !parts.length;
    },
    pill: function (node, a) { node.className = 'pill st-' + a.status; node.textContent = W.t(a.status_label); }
  };

  /* messages close together are read as one */
  W.announce = function (text) {
    said.push(text);
    $('announce').textContent = '';
    clearTimeout(aTimer);
    aTimer = setTimeout(function () { $('announce').textContent = said.join(' '); said = []; }, 150);
  };
  W.showMsg = function (text, retry) {
    $('msg-text').textContent = text;
    retryFn = retry || null;
    $('msg-retry').hidden = !retry;
    $('msg').hidden = false;
    W.announce(text);
  };
  W.hideMsg = function () { $('msg').hidden = true; retryFn = null; };
  $('msg-close').addEventListener('click', W.hideMsg);
  $('msg-retry').addEventListener('click', function () { var f = retryFn; W.hideMsg(); if (f) f(); });

  /* The banner names what is really away: a projector's Wi-Fi is rarely the problem. */
  function setOnline(v, text) {
    var b = $('banner');
    W.online = v;
    b.textContent = everOn ? text() : W.t('Connecting…');
    b.hidden = v;
    d.body.classList.toggle('offline', !v);
    if (everOn) W.announce(v ? W.t('Connected again.') : b.textContent);
    if (v) everOn = true;
    if (W.onOnline) W.onOnline(v);
  }
  W.RECONNECTING = W_('Reconnecting to the laptop…');
  /* Small add-on modules (phone-care.js, care-console.js, care-wall.js) hear the page's
     socket and each new snapshot without the page knowing them: W.on('socket'|'state', fn). */
  var hooks = {}, latest = {};
  /* a module loaded late (phone-easy.js) hears the latest value at once */
  W.on = function (name, fn) { (hooks[name] = hooks[name] || []).push(fn); if (name in latest) fn(latest[name]); };
  W.fire = function (name, value) { latest[name] = value; (hooks[name] || []).forEach(function (fn) { fn(value); }); };
  /* onConnect runs on every (re)connection to rejoin; lost() words the banner while away */
  W.connect = function (auth, onConnect, lost) {
    /* WebSocket first saves two round trips on slow venue Wi-Fi; polling is the fallback. */
    auth.deltas = 1; /* this page applies state_delta (W.live): changes, not whole snapshots */
    var s = io({auth: auth, transports: ['websocket', 'polling'], tryAllTransports: true,
      reconnectionDelay: 500, reconnectionDelayMax: 5000, timeout: 10000});
    W.fire('socket', s);
    lost = lost || function () { return W.t(W.RECONNECTING); };
    setOnline(false, lost);
    s.on('connect', function () { setOnline(true, lost); onConnect(); });
    s.on('disconnect', function (why) {
      if (W.online) setOnline(false, lost);
      if (why === 'io server disconnect') s.connect();
    });
    /* Back-off only while the network is really down: the browser says when it is back. */
    function now() {
      if (s.connected || d.visibilityState === 'hidden' || navigator.onLine === false) return;
      s.disconnect(); /* cancels the back-off timer; connect() starts afresh */
      s.connect();
    }
    window.addEventListener('online', now);
    d.addEventListener('visibilitychange', now);
    window.addEventListener('offline', function () {
      /* a dead Wi-Fi can leave the socket looking open for many seconds */
      if (s.io.engine) s.io.engine.close();
      if (!W.online) setOnline(false, lost);
    });
    return s;
  };
  /* "Try again" resends the same payload, so the same request_id */
  W.cmd = function (sock, name, payload, onOk, onFail) {
    sock.timeout(10000).emit(name, payload, function (err, ack) {
      if (!err && ack && ack.ok !== false) {
        if (!$('msg').hidden) W.hideMsg();
        if (onOk) onOk(ack);
        return;
      }
      var again = function () { W.cmd(sock, name, payload, onOk, onFail); };
      if (err) W.showMsg(W.t(W.DROPPED), again);
      else W.showMsg((ack && ack.error) || W.t('Something went wrong. Please try again.'),
        ack && /rate_limited|server_error/.test(ack.reason) ? again : null);
      if (onFail) onFail(ack, !!err);
    });
  };

  /* The versioned state every page keeps (one place for all three): the newest snapshot
     and tally win, anything older is ignored. on: {changed(state, tally), timer?,
     stageSaid? (a prefix to announce a new stage), attendance?(a)} */
  W.live = function (sock, on) {
    var live = {state: null, tally: null};
    function set(s, was) {
      var before = was || (live.state && live.state.stage);
      if (!s.tally) live.tally = null;
      else if (!live.tally || s.tally.version >= live.tally.version) live.tally = s.tally;
      live.state = s;
      live.conn = sock.id;
      W.setClock(s.server_time);
      if (on.timer) on.timer.set(s.timer);
      if (on.stageSaid && before && before !== s.stage) W.announce(on.stageSaid + W.t(W.STAGES[s.stage]) + '.');
      on.changed(s, live.tally);
      W.fire('state', s);
    }
    /* a join or watch ack: a fresh start, whatever its version */
    /* A join's snapshot can be older than a change broadcast on the same connection just
       before the ack (a phone joining as the stage changes): keep the newer one. Otherwise
       the ack wins, and a rejoin after a drop says the stage that changed meanwhile. */
    live.reset = function (s) {
      if (live.state && live.conn === sock.id && s.version < live.state.version) return;
      var was = live.state && live.state.stage;
      live.state = null;
      set(s, was);
    };
    live.version = function () { return live.state ? live.state.version : undefined; };
    sock.on('state_changed', function (s) { if (!live.state || s.version >= live.state.version) set(s); });
    /* A delta applies to the version it names; missing one, ask for the snapshot again
       (docs/protocol.md, "Deltas"). The tally stays the newest tally_changed gave. */
    var syncing = false;
    sock.on('state_delta', function (d) {
      if (!live.state) return;
      if (d.base === live.state.version) {
        var s = W.applyOps(live.state, d.ops);
        if (s.tally && live.tally && !d.ops.some(function (op) { return op.path[0] === 'tally'; })) s.tally = live.tally;
        set(s);
      } else if (d.version > live.state.version && !syncing) {
        syncing = true;
        sock.emit('sync_state', {}, function (ack) {
          syncing = false;
          if (ack && ack.ok) live.reset(ack.state);
        });
      }
    });
    sock.on('tally_changed', function (t) {
      if (live.tally && t.version < live.tally.version) return;
      live.tally = t;
      if (live.state) on.changed(live.state, t);
    });
    if (on.attendance) {
      sock.on('attendance_changed', function (a) {
        if (!live.state) return;
        live.state.joined = a.joined;
        live.state.by_group = a.by_group;
        on.attendance(a);
      });
    }
    return live;
  };

  /* The three operations of a state_delta, on a copy (a page may still hold the old state). */
  function keyOf(x) { return x && typeof x === 'object' ? x.id : x; }
  W.applyOps = function (state, ops) {
    var out = JSON.parse(JSON.stringify(state));
    ops.forEach(function (op) {
      if (!op.path.length) { out = op.value; return; }
      var at = out, last = op.path[op.path.length - 1];
      for (var i = 0; i < op.path.length - 1; i++) at = at[op.path[i]];
      if (op.op === 'set') at[last] = op.value;
      else if (op.op === 'del') delete at[last];
      else {
        var list = at[last].filter(function (x) { return op.remove.indexOf(keyOf(x)) < 0; });
        op.put.forEach(function (p) {
          var k = keyOf(p[1]), where = -1;
          for (var j = 0; j < list.length; j++) if (keyOf(list[j]) === k) { where = j; break; }
          if (where < 0) list.splice(p[0], 0, p[1]); else list[where] = p[1];
        });
        at[last] = list;
      }
    });
    return out;
  };

  function fmt(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ':' + (s % 60 < 10 ? '0' : '') + s % 60;
  }
  function say(ms) {
    var s = Math.round(ms / 1000), m = Math.floor(s / 60);
    s %= 60;
    return ((m ? W.tn('{n} minute', '{n} minutes', m) : '') + ' ' + (s ? W.tn('{n} second', '{n} seconds', s) : '')).trim();
  }
  /* countdown corrected for clock skew, with spoken milestones */
  W.Timer = function (node, keepIdle) {
    var t = null, last = null, seen = false, time = node.querySelector('.t-time'), label = node.querySelector('.t-label');
    function tick() {
      var on = t && (t.status === 'running' || t.status === 'paused'), run = on && t.status === 'running';
      node.hidden = !on && !keepIdle;
      node.classList.toggle('run', !!run);
      if (!on) { time.textContent = keepIdle ? W.t('Not running') : ''; label.textContent = ''; last = null; return; }
      var ms = run ? t.ends_at - Date.now() - skew : t.remaining_ms || 0;
      time.textContent = fmt(ms);
      node.classList.toggle('low', ms <= 60000);
      label.textContent = !run ? W.t('Paused') : ms <= 0 ? W.t('Time is up') : W.t('left');
      if (run && last !== null) {
        if (last > 60000 && ms <= 60000 && ms > 0) W.announce(W.t('1 minute left.'));
        if (last > 0 && ms <= 0) W.announce(W.t('Time is up.'));
      }
      last = run ? ms : null;
    }
    setInterval(tick, 250);
    this.set = function (n) {
      var was = t ? t.status : 'idle', now = n ? n.status : 'idle';
      if (seen && (was !== now || (now === 'running' && Math.abs(t.ends_at - n.ends_at) > 1500))) {
        if (now === 'running') W.announce(was === 'paused' ? W.t('Timer resumed.') : W.t('Timer started: {time}.', {time: say(n.duration_ms || n.ends_at - Date.now() - skew)}));
        else if (now === 'paused') W.announce(W.t('Timer paused.'));
      }
      if (now !== 'running') last = null;
      seen = true;
      t = n;
      tick();
    };
  };

  /* keyed list update: reuses nodes so focus stays */
  W.sync = function (box, items, key, make, update) {
    var old = {}, keep = {}, prev = null, k, i;
    for (i = 0; i < box.children.length; i++) old[box.children[i].dataset.key] = box.children[i];
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
  return W;
})();
