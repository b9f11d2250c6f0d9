/* Facilitator console: a first-run guide. Each line ticks itself from what the workshop
   shows has happened; the facilitator can hide the guide, and this browser remembers. */
W.consoleGuide = function (x) {
  'use strict';
  var $ = W.$, el = W.el, KEY = 'workshop.guide.' + x.code, OPENED = 'workshop.wall.' + x.code;
  var STEPS = [
    ['wall', W.t('Open the projector screen on the wall'), W.t('Use "Open the projector screen" at the top.')],
    ['join', W.t('Let people join'), W.t('They scan the QR code on the wall, or type the join address.')],
    ['ideas', W.t('Collect ideas'), W.t('Press "Next: Share your ideas"; add ideas from paper too.')],
    ['vote', W.t('Vote'), W.t('Press "Next" until Voting; the wall shows only how many have voted.')],
    ['reveal', W.t('Show the results'), W.t('Press "Next: Results": the wall and phones show the scores.')],
    ['plan', W.t('Plan actions for the priorities'), W.t('Mark the priorities, then add actions under each.')],
    ['publish', W.t('Close and publish the plan'), W.t('Press "Next: Closed", then turn on "Publish the plan".')]
  ];
  /* Opening the wall from this console is the only sign of it the console gets. */
  $('open-wall').addEventListener('click', function () { W.store.set(OPENED, '1'); render(); });
  $('guide-hide').addEventListener('click', function () {
    W.store.set(KEY, 'hidden');
    $('guide').hidden = true;
    W.announce(W.t('Guide hidden.'));
    $('stage-now').parentNode.focus();
  });

  function voted(s, t) {
    if (t && t.voters > 0) return true;
    return (s.rounds || []).some(function (r) { return r.result && r.result.voters > 0; });
  }
  function done(s, t) {
    var order = s.stages.indexOf(s.stage);
    return {
      wall: W.store.get(OPENED) === '1',
      join: s.joined > 0,
      ideas: s.proposal_count > 0,
      vote: voted(s, t),
      reveal: s.results_revealed,
      plan: W.priorities(s.proposals || []).length > 0 && (s.actions || []).length > 0,
      publish: order === s.stages.indexOf('closed') && s.plan_public
    };
  }

  function render() {
    var s = x.state();
    if (!s) return;
    $('guide').hidden = W.store.get(KEY) === 'hidden';
    if ($('guide').hidden) return;
    var ok = done(s, x.tally()), next = null;
    W.sync($('guide-list'), STEPS, function (step) { return step[0]; }, function () {
      var li = el('li');
      li.appendChild(el('span', 'g-mark')).setAttribute('aria-hidden', 'true');
      li.appendChild(el('span', 'g-what'));
      li.appendChild(el('span', 'hint g-how'));
      return li;
    }, function (li, step) {
      var on = !!ok[step[0]];
      if (!on && !next) next = step[0];
      li.className = on ? 'done' : next === step[0] ? 'next' : '';
      li.children[0].textContent = on ? '✓' : '';
      li.children[1].textContent = step[1] + (on ? ' (done)' : '');
      li.children[2].textContent = step[2];
      li.children[2].hidden = on;
    });
  }
  return {render: render};
};
