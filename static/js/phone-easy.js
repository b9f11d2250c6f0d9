/* Phone, Easy Read (issue #16, point 5): the switch at the top, remembered on this phone, and
   a picture beside each action. Its larger text and one column are CSS (app.css, under
   [data-easy-read=on]); the plain wording comes from the translations, which follow this
   contract: localStorage["workshop.easyRead"] = "1" while on (removed when off),
   <html data-easy-read="on"> while on (removed when off), and a window event
   "workshop:easyread" after each change. phone-early.js sets the attribute before the first
   paint; phone.js does not know this file (it hears W.on('render')). */
(function () {
  'use strict';
  var $ = W.$, root = document.documentElement, KEY = 'workshop.easyRead';
  var NS = 'http://www.w3.org/2000/svg', SPRITE = '/static/img/easy-read.svg#er-';
  /* what each picture shows, said to those who cannot see it */
  var PICS = {
    idea: 'Picture: a speech bubble with a light bulb. You share an idea.',
    dot: 'Picture: a sheet of ideas with dots stuck on. You vote with dots.',
    rank: 'Picture: ideas in order, 1, 2, 3. You put ideas in order.',
    tick: 'Picture: a box with a tick. You choose the ideas you support.',
    plan: 'Picture: a list with ticks and a pencil. You suggest what to do next.',
    word: 'Picture: two people talking quietly. You can talk to the facilitator in private.'
  };
  var BALLOT = {ranking: 'rank', approval: 'tick', points: 'dot'};
  var sw = $('easy-read');

  function on() { return root.dataset.easyRead === 'on'; }
  function set(v) {
    if (v) { W.store.set(KEY, '1'); root.dataset.easyRead = 'on'; } else { W.store.del(KEY); delete root.dataset.easyRead; }
    sw.setAttribute('aria-checked', String(v));
    Array.prototype.forEach.call(document.querySelectorAll('svg.er-pic'), load);
    window.dispatchEvent(new CustomEvent('workshop:easyread', {detail: {on: v}}));
    W.announce(v ? 'Easy Read is on.' : 'Easy Read is off.');
  }
  if (W.store.get(KEY) === '1') root.dataset.easyRead = 'on'; /* in case phone-early.js could not */
  sw.setAttribute('aria-checked', String(on()));
  sw.hidden = false; /* hidden in the page until this script can work it */
  sw.addEventListener('click', function () { set(!on()); });

  /* A picture stays beside its sentence: both go in one row (a flex row in Easy Read). */
  function picture(target) {
    var row = target.parentNode;
    if (!row.classList.contains('er-row')) {
      row = W.el('div', 'er-row');
      target.parentNode.insertBefore(row, target);
      row.appendChild(target);
    }
    if (row.firstChild.nodeName.toLowerCase() === 'svg') return row.firstChild;
    var svg = document.createElementNS(NS, 'svg'), use = document.createElementNS(NS, 'use');
    svg.setAttribute('class', 'er-pic');
    svg.setAttribute('role', 'img');
    svg.setAttribute('focusable', 'false');
    svg.appendChild(use);
    row.insertBefore(svg, target);
    return svg;
  }
  function draw(svg, name) {
    /* an attribute, as SVG has no hidden property; app.css also hides it while Easy Read is off */
    if (name) svg.removeAttribute('hidden'); else svg.setAttribute('hidden', '');
    if (name && svg.dataset.pic !== name) {
      svg.dataset.pic = name;
      svg.setAttribute('aria-label', PICS[name]);
    }
    load(svg);
  }
  /* the pictures' file is fetched only once Easy Read is on: other phones never pay for it */
  function load(svg) {
    var use = svg.firstChild, want = SPRITE + svg.dataset.pic;
    if (on() && svg.dataset.pic && use.getAttribute('href') !== want) use.setAttribute('href', want);
  }

  W.on('render', function (v) {
    var s = v.state, st = s.stage, method = (s.round && s.round.method) || 'dots';
    var action = st === 'propose' ? 'idea' : st === 'plan' ? 'plan' : st === 'vote' && method === 'dots' ? 'dot' : '';
    draw(picture($('lead')), action);
    var intro = $('ballot').querySelector(':scope > .lead'); /* made by phone-ballots.js */
    if (intro) draw(picture(intro), st === 'vote' ? BALLOT[method] || '' : '');
    draw(picture($('care-open')), st === 'closed' ? '' : 'word'); /* stays while its form is open */
  });
})();
