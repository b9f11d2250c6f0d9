/* Next and Back for the facilitator console, from the workshop's real position: its stage
   and, while voting or reading results, its round. Starting round 2 after round 1's
   results puts the workshop in round 2's voting: Next is round 2's results, Back is
   round 1's results (change_stage with a round makes that round current again). */
W.stageSteps = function (state) {
  'use strict';
  var rounds = (state.rounds || []).map(function (r) { return r.number; });
  var many = rounds.length > 1, steps = [];
  if (!rounds.length) rounds = [state.round ? state.round.number : 1];
  state.stages.forEach(function (st) {
    if (st === 'results') return; /* results follow each round's voting */
    if (st !== 'vote') { steps.push({stage: st}); return; }
    rounds.forEach(function (n) {
      steps.push({stage: 'vote', round: n});
      steps.push({stage: 'results', round: n});
    });
  });
  function label(p) {
    var name = W.t(W.STAGES[p.stage] || p.stage);
    if (!p.round || !many) return name;
    return p.stage === 'vote' ? W.t('Voting in round {n}', {n: p.round}) : W.t('Results of round {n}', {n: p.round});
  }
  function same(a, b) { return a.stage === b.stage && (a.round || 0) === (b.round || 0); }
  /* the position now: the round matters only while voting or reading results */
  function at(stage, round) {
    var p = {stage: stage};
    if (stage === 'vote' || stage === 'results') p.round = round || (state.round ? state.round.number : 1);
    for (var i = 0; i < steps.length; i++) if (same(steps[i], p)) return i;
    return -1;
  }
  return {
    steps: steps,
    label: label,
    same: same,
    /* the step `by` away from `from` (a step already asked for) or from where the workshop is */
    near: function (by, from) {
      var i = from ? at(from.stage, from.round) : at(state.stage);
      return i < 0 ? null : steps[i + by] || null;
    },
    now: function () { return steps[at(state.stage)] || {stage: state.stage}; }
  };
};
