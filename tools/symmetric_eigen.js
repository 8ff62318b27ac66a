// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations, for the
// benchmark scripts (128 x 128 takes well under a second). Shared by fit_statistics.js
// (principal axes) and test/bench/scale.js (the Gaussian model's distance distributions).
'use strict';

// matrix: D*D row-major. Returns eigenvalues in descending order and, matching them,
// the eigenvectors as Float64Arrays.
function symmetricEigen(matrix, D) {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(D * D);
  for (let i = 0; i < D; i++) v[i * D + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < D; p++) {
      diag += a[p * D + p] ** 2;
      for (let q = p + 1; q < D; q++) off += a[p * D + q] ** 2;
    }
    if (off <= 1e-24 * diag) break;
    for (let p = 0; p < D; p++)
      for (let q = p + 1; q < D; q++) {
        const apq = a[p * D + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * D + q] - a[p * D + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < D; k++) {
          const akp = a[k * D + p];
          const akq = a[k * D + q];
          a[k * D + p] = c * akp - s * akq;
          a[k * D + q] = s * akp + c * akq;
        }
        for (let k = 0; k < D; k++) {
          const apk = a[p * D + k];
          const aqk = a[q * D + k];
          a[p * D + k] = c * apk - s * aqk;
          a[q * D + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < D; k++) {
          const vkp = v[k * D + p];
          const vkq = v[k * D + q];
          v[k * D + p] = c * vkp - s * vkq;
          v[k * D + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = [...Array(D).keys()].sort((i, j) => a[j * D + j] - a[i * D + i]);
  return {
    values: order.map((i) => a[i * D + i]),
    vectors: order.map((i) => Float64Array.from({ length: D }, (_, k) => v[k * D + i])),
  };
}

module.exports = { symmetricEigen };
