// How sure a table of error counts by decile can be of "the lowest decile fails N times as
// often as the highest": used by quality.js, whose end deciles hold a dozen errors.
//   endRatio(errors, pairs): the two end deciles' rate ratio and its exact 95% interval,
//     conditional on their sum (the first decile's count is then binomial).
//   trendRatio(errors, pairs): a Poisson regression of every decile's count, log rate
//     linear in the decile's number, and the lowest-to-highest ratio it implies, with a
//     95% interval from the fit's information: it uses every error, not only the ends'.
'use strict';

function binomialCdf(k, n, p) {
  let sum = 0;
  let logChoose = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log((n - i + 1) / i);
    sum += Math.exp(logChoose + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return sum;
}

// The Clopper-Pearson interval for k successes of n, by bisection.
function clopperPearson(k, n, alpha) {
  const bisect = (above) => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (above(mid)) hi = mid;
      else lo = mid;
    }
    return (lo + hi) / 2;
  };
  const lower = k === 0 ? 0 : bisect((p) => 1 - binomialCdf(k - 1, n, p) >= alpha / 2);
  const upper = k === n ? 1 : bisect((p) => binomialCdf(k, n, p) <= alpha / 2);
  return [lower, upper];
}

function endRatio(errors, pairs) {
  const a = errors[0];
  const b = errors[errors.length - 1];
  const scale = pairs[pairs.length - 1] / pairs[0];
  const odds = (p) => (p >= 1 ? Infinity : (p / (1 - p)) * scale);
  const [lower, upper] = clopperPearson(a, a + b, 0.05);
  return { ratio: b > 0 ? (a / b) * scale : Infinity, lower: odds(lower), upper: odds(upper) };
}

function trendRatio(errors, pairs) {
  const total = errors.reduce((x, y) => x + y, 0);
  let intercept = Math.log(total / pairs.reduce((x, y) => x + y, 0));
  let slope = 0;
  let information = null;
  for (let iteration = 0; iteration < 100; iteration++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    errors.forEach((e, i) => {
      const mu = pairs[i] * Math.exp(intercept + slope * i);
      g0 += e - mu;
      g1 += (e - mu) * i;
      h00 += mu;
      h01 += mu * i;
      h11 += mu * i * i;
    });
    const det = h00 * h11 - h01 * h01;
    intercept += (h11 * g0 - h01 * g1) / det;
    slope += (h00 * g1 - h01 * g0) / det;
    information = { h00, det };
  }
  const se = Math.sqrt(information.h00 / information.det);
  const span = errors.length - 1;
  return {
    ratio: Math.exp(-slope * span),
    lower: Math.exp(-(slope + 1.96 * se) * span),
    upper: Math.exp(-(slope - 1.96 * se) * span),
  };
}

module.exports = { endRatio, trendRatio };
