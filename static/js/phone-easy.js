/* Phone, Easy Read's pictures (issue #16, point 5): one beside each action, with a text
   alternative. Loaded by phone-early.js (which has the switch and its contract with the
   translations) only on phones that turn Easy Read on; its larger text and one column are
   CSS (app.css, under [data-easy-read=on]). It hears each render through W.on('render'),
   which replays the latest to a module that arrives late: phone.js does not know it. */
(function () {
  'use strict';
  var $ = W.$;
  var NS = 'http://www.w3.org/2000/svg', SPRITE = '/static/img/easy-read.svg#er-';
  /* what each picture shows, said to those who cannot see it */
  var PICS = {
    idea: W.N_('Picture: a speech bubble with a light bulb. You share an idea.'),
    dot: W.N_('Picture: a sheet of ideas with dots stuck on. You vote with dots.'),
    rank: W.N_('Picture: ideas in order, 1, 2, 3. You put ideas in order.'),
    tick: W.N_('Picture: a box with a tick. You choose the ideas you support.'),
    plan: W.N_('Picture: a list with ticks and a pencil. You suggest what to do next.'),
    word: W.N_('Picture: two people talking quietly. You can talk to the facilitator in private.')
  };
  var BALLOT = {ranking: 'rank', approval: 'tick', points: 'dot'};
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
    if (!name || svg.dataset.pic === name) return;
    svg.dataset.pic = name;
    svg.setAttribute('aria-label', W.t(PICS[name]));
    svg.firstChild.setAttribute('href', SPRITE + name);
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
