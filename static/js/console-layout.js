/* Facilitator console: each stage's tools where a person looks for them. A section marked
   data-stages="results plan" moves to the top of the main column in those stages and back
   to its place in the side column otherwise; the side column says when it scrolls. */
W.resultsShown = function (s) { return !!(s.results_revealed || (s.round && s.round.wall_mode === 'results')); };
W.consoleLayout = function (x) {
  'use strict';
  var $ = W.$, el = W.el, col = document.querySelector('.f-col'), more = $('more-below'), placed = null;
  var homes = [].map.call(document.querySelectorAll('[data-stages]'), function (s) {
    var mark = document.createComment(' home of #' + s.id + ' ');
    s.parentNode.insertBefore(mark, s);
    /* a section whose home is the main column (data-only) shows in its stages only */
    return {s: s, mark: mark, stages: s.dataset.stages.split(' '), only: s.hasAttribute('data-only')};
  });

  function place(stage) {
    if (placed === stage) return; /* only on a stage change: moving a section loses focus */
    placed = stage;
    var box = $('stage-tools');
    homes.forEach(function (h) {
      var here = h.stages.indexOf(stage) >= 0;
      if (here) box.appendChild(h.s);
      else if (h.mark.nextSibling !== h.s) h.mark.parentNode.insertBefore(h.s, h.mark.nextSibling);
      if (h.only) h.s.hidden = !here;
    });
    hint();
  }

  /* The merge tool of the Grouping stage: two lists of the ideas on the list */
  function grouping() {
    var s = x.state(), ideas = s.proposals.filter(function (p) { return !p.hidden; });
    var sig = ideas.map(function (p) { return p.id + ':' + p.text; }).join('\n');
    ['g-from', 'g-into'].forEach(function (id, i) {
      var sel = $(id), keep = sel.value;
      if (sel._sig === sig) return;
      sel._sig = sig;
      sel.textContent = '';
      sel.appendChild(el('option', null, i ? W.t('the idea to keep') : W.t('an idea'))).value = '';
      ideas.forEach(function (p) { sel.appendChild(el('option', null, W.short(p.text, 60))).value = String(p.id); });
      sel.value = keep;
      if (sel.value !== keep) sel.value = '';
    });
  }
  $('g-merge').addEventListener('click', function () {
    var from = parseInt($('g-from').value, 10), into = parseInt($('g-into').value, 10);
    if (!from || !into) { W.showMsg(W.t('Choose the idea to merge and the idea to keep, then press Merge.')); $(from ? 'g-into' : 'g-from').focus(); return; }
    if (from === into) { W.showMsg(W.t('Choose two different ideas: an idea cannot be merged into itself.')); $('g-into').focus(); return; }
    x.send('merge_proposals', {survivor_id: into, absorbed_id: from}, function () {
      $('g-from').value = '';
      W.announce(W.t('Merged. "Unmerge" in the list of ideas undoes it.'));
    });
  });

  /* Publishing sits with the downloads, in Closed: one press, said back in words */
  $('t-public').addEventListener('click', function () {
    var on = !x.state().plan_public;
    x.send('set_details', {plan_public: on}, function () {
      W.announce(on ? W.t('The plan is published: the join address opens it once the workshop is closed.') : W.t('The plan is no longer published.'));
    });
  });
  /* the results switch says in words what the wall shows now */
  function shown() {
    $('res-hint').textContent = W.resultsShown(x.state())
      ? W.t('On: the wall and phones show the scores. Turn it off to show only how many have voted.')
      : W.t('Off: the wall shows only how many people have voted in each group, never a score. "Next: Results" turns this on.');
  }
  function published() {
    var on = !!x.state().plan_public, b = $('t-public');
    b.setAttribute('aria-pressed', String(on));
    b.querySelector('.state').textContent = on ? W.t('On') : W.t('Off');
  }

  /* "More tools below", pinned to the foot of the window over the side column, while the
     column (which scrolls on its own beside the main one) has more than the window shows */
  function hint() {
    if (!col) return;
    var own = getComputedStyle(col).overflowY === 'auto', r = col.getBoundingClientRect();
    var below = own && (col.scrollTop + col.clientHeight < col.scrollHeight - 4 || r.bottom > innerHeight + 4);
    more.hidden = !below;
    if (below) { more.style.left = r.left + 'px'; more.style.width = r.width + 'px'; }
  }
  more.addEventListener('click', function () {
    var r = col.getBoundingClientRect();
    if (r.bottom > innerHeight + 4) window.scrollBy({top: r.bottom - innerHeight, behavior: 'smooth'});
    else col.scrollBy({top: col.clientHeight * 0.8, behavior: 'smooth'});
  });
  if (col) col.addEventListener('scroll', hint, {passive: true});
  window.addEventListener('scroll', hint, {passive: true});
  window.addEventListener('resize', hint);

  function render() {
    place(x.state().stage);
    grouping();
    published();
    shown();
    hint();
  }
  return {render: render};
};
